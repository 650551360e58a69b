"""The words, in Chinese (the default language): attendance at an activity or a meeting is 签到,
signing up for an activity is 报名; 报到 is only an in-service member's check-in to the community
where they live, and 注册 only the self-registration of an account. Several English texts serve
both meanings ("Check in", "Sign up"), told apart by a translation context."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from activities import attendance
from members.checkins import poster_token
from tests.factories import ActivityFactory, MeetingFactory


def html(response) -> str:
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    return response.content.decode()


def part(page: str, testid: str) -> str:
    """The element carrying ``data-testid=testid``, up to the end of its own line(s)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', page, re.S)
    assert match, testid
    return match.group(0)


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


@pytest.fixture
def happening(world):
    start = timezone.now() - timedelta(minutes=30)
    return ActivityFactory(committee=world.a, title="垃圾分类宣传", starts_at=start,
                           ends_at=start + timedelta(hours=2))


def test_the_attendance_qr_screen_and_the_scan_page_say_签到(client, world, happening):
    client.force_login(world.secretary_a)
    screen = html(client.get(reverse("activities:qr", args=[happening.pk])))
    assert "签到二维码" in title(screen)
    assert 'aria-label="签到二维码"' in screen and "党员请用手机扫码签到" in screen
    assert "报到" not in screen and "注册" not in screen

    client.force_login(world.member_user)
    token = attendance.activity_qr_token(happening)
    scan = html(client.get(reverse("activities:qr-checkin", args=[token])))
    assert title(scan).startswith("签到")
    assert ">签到</button>" in part(scan, "checkin-button")
    assert "报到" not in scan and "注册" not in scan


def test_the_staff_see_签到_on_the_activity_and_the_meeting(client, world, happening):
    client.force_login(world.secretary_a)
    panel = part(html(client.get(happening.get_absolute_url())), "people-panel")
    assert "显示签到二维码" in panel and "签到名单" in panel and "报名名单" in panel
    assert "报到" not in panel and "注册" not in panel
    roster = html(client.get(reverse("activities:attendance-roster", args=[happening.pk])))
    assert '<h2 class="h5">已签到</h2>' in roster and "报到" not in roster

    meeting = MeetingFactory(committee=world.a, starts_at=timezone.now() + timedelta(minutes=30))
    actions = part(html(client.get(meeting.get_absolute_url())), "meeting-actions")
    assert "签到二维码" in actions and "报到" not in actions


def test_the_activity_sign_up_button_says_报名(client, world):
    activity = ActivityFactory(committee=world.a, title="敬老院义诊")
    client.force_login(world.member_user)
    panel = part(html(client.get(activity.get_absolute_url())), "people-panel")
    assert re.search(r'<button type="submit" class="btn btn-danger">\s*报名\s*</button>', panel)
    assert "报名与签到" in panel
    assert "注册" not in panel and "报到" not in panel
    mine = html(client.get(reverse("activities:my-activities")))
    row = part(mine, "upcoming-row")
    assert "敬老院义诊" in row and ">报名</button>" in row and "注册" not in row


def test_the_residence_check_in_says_报到(client, world):
    client.force_login(world.member_user)
    me = html(client.get(reverse("members:me")))
    card = me[me.index('id="checkin-heading"'):]
    card = card[:card.index("</section>")]
    assert "到居住社区报到" in card and ">报到</button>" in card
    assert "签到" not in card and "注册" not in card

    scan = html(client.get(reverse("members:checkin-scan", args=[poster_token(world.b)])))
    assert title(scan).startswith("报到") and f"向{world.b.name}报到" in scan
    assert ">报到</button>" in scan and "签到" not in scan

    client.force_login(world.secretary_a)
    poster = html(client.get(reverse("members:checkin-poster", args=[world.a.pk])))
    assert 'aria-label="报到二维码"' in poster and "签到" not in poster


def test_self_registration_alone_says_注册(client, db):
    page = html(client.get(reverse("members:signup")))
    assert title(page).startswith("注册") and "党员注册" in page
    assert "报名" not in page and "报到" not in page


@pytest.mark.parametrize(("context", "msgid", "chinese"), [
    ("attendance", "Check in", "签到"),
    ("attendance", "Checked in", "已签到"),
    ("attendance", "Check-in QR code", "签到二维码"),
    ("residence check-in", "Check in", "报到"),
    ("residence check-in", "Checked in", "已报到"),
    ("residence check-in", "Check-in QR code", "报到二维码"),
    ("activity sign-up", "Sign up", "报名"),
    ("activity sign-up", "sign-up", "报名"),
    ("self-registration", "Sign up", "注册"),
    ("self-registration", "sign-up", "注册申请"),
])
def test_each_meaning_has_its_own_words(context, msgid, chinese):
    with translation.override("zh-hans"):
        assert pgettext(context, msgid) == chinese
