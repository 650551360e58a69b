"""The shared page shapes of ``core.pages``: ``confirm_page`` asks first, runs the service on
POST and turns its refusal into errors (nothing done, no success message); ``form_page``
takes a success message that depends on what was saved, or none."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError

from core.pages import confirm_page, form_page


def request_of(rf, method="get", data=None):
    request = getattr(rf, method)("/somewhere/", data or {})
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    return request


def texts(request):
    return [(m.level, str(m)) for m in get_messages(request)]


class Action:
    """A service stand-in: counts its calls, refuses when given a refusal."""

    def __init__(self, refusal=None):
        self.calls, self.refusal = 0, refusal

    def __call__(self):
        if self.refusal:
            raise ValidationError(self.refusal)
        self.calls += 1


def confirm(request, action, **kwargs):
    return confirm_page(
        request, action=action, title="关闭报名", cancel_url="/back/", next_url="/done/",
        done_message="已关闭。", context={"question": "确定关闭报名吗？"}, **kwargs,
    )


class TestConfirmPage:
    def test_a_get_asks_and_runs_nothing(self, rf):
        action = Action()
        response = confirm(request_of(rf), action)
        page = response.content.decode()
        assert response.status_code == 200
        assert "确定关闭报名吗？" in page and 'href="/back/"' in page and 'method="post"' in page
        assert action.calls == 0

    def test_a_post_runs_the_action_and_leads_on_with_the_message(self, rf):
        action, request = Action(), request_of(rf, "post")
        response = confirm(request, action)
        assert (response.status_code, response.url) == (302, "/done/")
        assert action.calls == 1
        assert texts(request) == [(SUCCESS, "已关闭。")]

    def test_a_refusal_is_shown_on_the_confirmation_and_nothing_is_done(self, rf):
        action = Action(refusal=["已经开始，不能关闭。", "请先联系书记。"])
        request = request_of(rf, "post")
        response = confirm(request, action)
        page = response.content.decode()
        assert response.status_code == 400
        assert "已经开始，不能关闭。" in page and "请先联系书记。" in page
        assert action.calls == 0
        assert texts(request) == []

    def test_a_refusal_can_answer_with_another_status(self, rf):
        response = confirm(request_of(rf, "post"), Action(refusal="不能删除。"), refused_status=409)
        assert response.status_code == 409 and "不能删除。" in response.content.decode()

    def test_a_refusal_can_lead_to_another_page_as_error_messages(self, rf):
        request = request_of(rf, "post")
        response = confirm(request, Action(refusal="已有待确认的报到。"), refused_url="/me/")
        assert (response.status_code, response.url) == (302, "/me/")
        assert texts(request) == [(ERROR, "已有待确认的报到。")]

    def test_the_page_gets_the_object_and_its_own_template(self, rf, tmp_path, settings):
        (tmp_path / "ask.html").write_text("{{ object }}|{{ title }}|{{ cancel_url }}|{{ x }}")
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
        response = confirm(request_of(rf), Action(), template="ask.html", obj="会议")
        assert response.content.decode() == "会议|关闭报名|/back/|"


class CountForm(forms.Form):
    n = forms.IntegerField()


class TestFormPageMessages:
    def save_count(self, form):
        return form.cleaned_data["n"]

    def test_the_message_can_depend_on_what_was_saved(self, rf):
        request = request_of(rf, "post", {"n": "3"})
        response = form_page(
            request, CountForm(request.POST), save=self.save_count, title="t", cancel_url="/",
            success_message=lambda n: f"记录了{n}人。", next_url="/roster/",
        )
        assert (response.status_code, response.url) == (302, "/roster/")
        assert texts(request) == [(SUCCESS, "记录了3人。")]

    def test_a_page_can_lead_on_without_a_message(self, rf):
        request = request_of(rf, "post", {"n": "3"})
        response = form_page(
            request, CountForm(request.POST), save=self.save_count, title="t", cancel_url="/",
            success_message=None, next_url="/progress/",
        )
        assert response.status_code == 302 and texts(request) == []

    @pytest.mark.parametrize("data", [{"n": "x"}, {}])
    def test_a_bad_post_saves_nothing_and_answers_400(self, rf, data):
        request = request_of(rf, "post", data)
        saved = []
        response = form_page(
            request, CountForm(request.POST), save=saved.append, title="t", cancel_url="/",
            success_message="ok",
        )
        assert response.status_code == 400 and saved == [] and texts(request) == []
