"""The one QR check-in flow of ``core.qr`` that activities and meetings both use: the scan
page (expired code, no member record, already recorded, refused, one tap) and the staff's
screen (a fresh code, or why scanning is refused now)."""

import re
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import translation

from core.qr import QR_MAX_AGE, qr_checkin_page, qr_screen_page, read_rotating_token

MEMBER = SimpleNamespace(name="郑优芳")
THING = SimpleNamespace(pk=7, title="三月例会")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def request_of(rf, method="get"):
    request = getattr(rf, method)("/scan/")
    request.user = AnonymousUser()
    return request


class Flow:
    """Stand-ins for an app's lookups and service, recording what was called."""

    def __init__(self, *, member=MEMBER, recorded=None, refusal=None, result=("row", True),
                 refuse_with=None):
        self.member, self.record, self.reason = member, recorded, refusal
        self.result, self.refuse_with, self.check_ins = result, refuse_with, []

    def check_in(self, member):
        if self.refuse_with:
            raise ValidationError(self.refuse_with)
        self.check_ins.append(member)
        return self.result

    def page(self, request, obj=THING):
        return qr_checkin_page(
            request, obj=obj,
            member_of=lambda user: self.member,
            recorded=lambda member: self.record,
            refusal=lambda: self.reason,
            check_in=self.check_in,
            texts=lambda record: {
                "title": THING.title,
                **({"done_message": f"已签到：{record}", "already_message": f"已记录：{record}"}
                   if record is not None else {}),
            },
        )


def state(response):
    return re.search(r'data-testid="checkin-state">(.*?)</div>', response.content.decode(), re.S)


class TestTheScan:
    def test_an_expired_code_is_refused_before_anything_is_looked_up(self, rf):
        flow = Flow()
        response = flow.page(request_of(rf, "post"), obj=None)
        assert response.status_code == 400
        assert "expired" in state(response)[1] and flow.check_ins == []

    def test_an_account_without_a_member_record_cannot_check_in(self, rf):
        flow = Flow(member=None)
        response = flow.page(request_of(rf, "post"))
        assert response.status_code == 403
        assert "三月例会" in response.content.decode() and flow.check_ins == []

    def test_looking_shows_one_button_and_checks_nobody_in(self, rf):
        flow = Flow()
        response = flow.page(request_of(rf))
        page = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert 'data-testid="checkin-button"' in page and "Checking in as 郑优芳." in page
        assert flow.check_ins == []

    def test_looking_again_after_checking_in_says_so(self, rf):
        response = Flow(recorded="08:55").page(request_of(rf))
        assert response.status_code == 200
        assert state(response)[1] == "已记录：08:55"
        assert 'data-testid="checkin-button"' not in response.content.decode()

    def test_looking_outside_the_window_shows_why_without_a_button(self, rf):
        response = Flow(refusal="签到已结束。").page(request_of(rf))
        assert response.status_code == 200 and "签到已结束。" in state(response)[1]
        assert 'data-testid="checkin-button"' not in response.content.decode()

    def test_the_tap_checks_the_member_in(self, rf):
        flow = Flow(result=("09:01", True))
        response = flow.page(request_of(rf, "post"))
        assert response.status_code == 200 and state(response)[1] == "已签到：09:01"
        assert flow.check_ins == [MEMBER]

    def test_a_second_tap_finds_the_first_check_in(self, rf):
        response = Flow(result=("09:01", False)).page(request_of(rf, "post"))
        assert response.status_code == 200 and state(response)[1] == "已记录：09:01"

    def test_the_services_refusal_is_shown_with_400(self, rf):
        flow = Flow(refuse_with="会议纪要已签发，签到关闭。")
        response = flow.page(request_of(rf, "post"))
        assert response.status_code == 400
        assert "会议纪要已签发，签到关闭。" in state(response)[1] and flow.check_ins == []


class TestTheScreen:
    def screen(self, rf, refusal):
        return qr_screen_page(
            request_of(rf), salt="tests.qr", obj=THING,
            checkin_url_name="meetings:meeting-qr-checkin", refusal=refusal,
            context={"title": THING.title, "subtitle": "学苑社区", "count": 3,
                     "back_url": "/back/", "back_label": "返回"},
        )

    def test_it_shows_a_fresh_code_naming_the_object(self, rf):
        response = self.screen(rf, None)
        page = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert 'data-testid="qr"' in page and "学苑社区" in page
        link = re.search(r'href="([^"]+)" data-testid="qr-link"', page)[1]
        token = resolve(urlparse(link).path).kwargs["token"]
        assert read_rotating_token("tests.qr", token, max_age=QR_MAX_AGE) == THING.pk
        assert read_rotating_token("another.salt", token, max_age=QR_MAX_AGE) is None

    def test_it_shows_why_scanning_is_refused_instead_of_a_code(self, rf):
        page = self.screen(rf, "签到两小时前开放。").content.decode()
        assert "签到两小时前开放。" in page and 'data-testid="qr"' not in page
