"""Everyone changes their password; a forgotten one is reset by email where an address is
known, and otherwise through a link the member's secretary makes (once, two hours, recorded)."""

import html
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import MemberFactory

PASSWORD = "pw-for-tests-only"
NEW = "红旗渠-精神-1960"


def text(response):
    return html.unescape(response.content.decode())


def signs_in(client, username, password) -> bool:
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def set_password_through(client, link) -> None:
    """Open a reset link and set NEW there, as the member would."""
    opened = client.get(link)
    assert opened.status_code == 302  # Django moves the token out of the URL
    form = client.get(opened.url)
    assert "设置新密码" in text(form)
    done = client.post(opened.url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")


def test_changing_a_password_needs_the_old_one(login, world, client):
    client = login(world.member_user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "修改密码" in text(page)

    wrong = client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]

    changed = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert changed.status_code == 302
    assert "密码已修改" in text(client.get(changed.url))
    assert signs_in(client, "member", NEW) and not signs_in(client, "member", PASSWORD)


@pytest.mark.django_db
def test_changing_a_password_needs_signing_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_every_page_links_to_the_password_change(login, world):
    page = text(login(world.member_user).get(reverse("members:me")))
    assert f'href="{reverse("password_change")}"' in page


def test_a_forgotten_password_is_reset_by_email(client, world):
    world.member_user.email = "lizhiqiang@example.cn"
    world.member_user.save()
    login_page = text(client.get(reverse("login")))
    assert reverse("password_reset") in login_page

    sent = client.post(reverse("password_reset"), {"email": "LiZhiQiang@example.cn"})
    assert sent.status_code == 302
    assert "两小时" in text(client.get(sent.url))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lizhiqiang@example.cn"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body)[1]

    set_password_through(client, link)
    assert signs_in(client, "member", NEW)
    # a link works once: the second time it says so and offers no form
    reused = text(client.get(link, follow=True))
    assert "已经用过" in reused and "new_password1" not in reused


def test_an_unknown_email_sends_nothing_and_says_nothing_more(client, world):
    sent = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert sent.status_code == 302 and sent.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_secretary_makes_a_link_for_a_member_without_email(login, world, client):
    page = text(login(world.secretary_a).get(world.a_member.get_absolute_url()))
    assert 'data-testid="make-password-link"' in page
    url = reverse("members:member-password-link", args=[world.a_member.pk])

    secretary = login(world.secretary_a)
    assert secretary.get(url).status_code == 405  # a POST: no link sits in a URL or a cache
    response = secretary.post(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    link = re.search(r'value="https?://[^/"]+(/accounts/reset/[^"]+/)"', text(response))[1]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(world.a_member.pk))
    assert entry.actor == world.secretary_a and "password" in entry.changes_dict

    set_password_through(client, link)
    assert signs_in(client, "member", NEW)


def test_only_the_member_s_own_secretaries_make_a_link(login, world):
    url = reverse("members:member-password-link", args=[world.a_member.pk])
    assert login(world.secretary_b).post(url).status_code == 404
    assert login(world.member_user).post(url).status_code in (403, 404)
    page = text(login(world.member_user).get(world.a_member.get_absolute_url()))
    assert "make-password-link" not in page
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_an_account_holding_a_role_is_reset_by_the_district(login, world):
    held = MemberFactory(committee=world.a, branch=world.a_branch, user=world.branch_secretary)
    response = login(world.secretary_a).post(
        reverse("members:member-password-link", args=[held.pk]), follow=True)
    assert "区里的系统管理员" in text(response)
    assert "/accounts/reset/" not in text(response)


def test_a_member_without_an_account_gets_no_link(login, world):
    plain = MemberFactory(committee=world.a, branch=world.a_branch)
    page = text(login(world.secretary_a).get(plain.get_absolute_url()))
    assert "make-password-link" not in page
    response = login(world.secretary_a).post(
        reverse("members:member-password-link", args=[plain.pk]), follow=True)
    assert "/accounts/reset/" not in text(response)
    assert get_user_model().objects.filter(member=plain).count() == 0


def test_a_new_password_from_the_link_lifts_the_lock_on_the_members_mobile(login, world, client):
    # The lockout page sends a member to their secretary for a link; once they have set a new
    # password through it, their mobile signs them in at once, not after the hour's pause.
    world.a_member.mobile, world.a_member.mobile_tail = "13812345678", "5678"
    world.a_member.save()
    for _ in range(5):
        assert not signs_in(client, "13812345678", "wrong")
    locked = client.post(reverse("login"), {"username": "13812345678", "password": PASSWORD})
    assert locked.status_code == 429 and "暂停登录" in text(locked)
    link = re.search(
        r'value="https?://[^/"]+(/accounts/reset/[^"]+/)"',
        text(login(world.secretary_a).post(
            reverse("members:member-password-link", args=[world.a_member.pk]))),
    )[1]
    client.logout()
    set_password_through(client, link)
    assert signs_in(client, "13812345678", NEW)
    assert not signs_in(client, "13812345678", PASSWORD)  # the old one is gone


def test_a_reset_never_lifts_the_lock_on_another_account_named_by_the_mobile(world, client):
    # B's account is named by the mobile on A's member record (mobiles are not unique): A
    # resetting their own password must not lift the lock someone set off guessing B's.
    from axes.models import AccessAttempt

    from core.auth import lift_sign_in_lock

    get_user_model().objects.create_user(username="13812345678", password="b-secret-pw")
    world.a_member.mobile, world.a_member.mobile_tail = "13812345678", "5678"
    world.a_member.save()
    for _ in range(5):
        assert not signs_in(client, "13812345678", "wrong")
    assert AccessAttempt.objects.filter(username="13812345678").exists()
    lift_sign_in_lock(world.member_user)
    assert AccessAttempt.objects.filter(username="13812345678").exists()
    lift_sign_in_lock(world.member_user)  # their own username's lock goes, as before
    assert not AccessAttempt.objects.filter(username=world.member_user.username).exists()
