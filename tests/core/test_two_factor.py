"""Two-step sign-in (两步验证, core/two_factor.py): turning it on with an authenticator app,
backup codes shown once, the code step after the password, throttled wrong codes, the setting
that makes it mandatory for district officers, and the admin that needs a verified session."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import TWO_FACTOR_STATE, has_confirmed_device
from tests.conftest import sign_in_with_code, totp_code
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-only"
HOME = reverse("overview:home")
VERIFY = reverse("core:two-factor-verify")
SETUP = reverse("core:two-factor-setup")
CODES = reverse("core:two-factor-codes")


def text(response):
    return response.content.decode()


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="10.0.0.9")


def wrong_code(device):
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def enrol(client, user):
    """Turn two-step sign-in on for ``user`` through the pages; returns (device, codes)."""
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 302 and response.url == CODES
    codes = re.findall(r"<li class=\"col\">(\w+)</li>", text(client.get(CODES)))
    device.refresh_from_db()
    device.last_t = -1  # as if the app showed its next code: the one used is not taken twice
    device.save()
    return device, codes


@pytest.fixture
def enrolled(client, world):
    """The district officer with two-step sign-in on, signed out; (device, backup codes)."""
    device, codes = enrol(client, world.officer)
    client.logout()
    return device, codes


# --- turning it on ---------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_of_the_key_and_a_code_field_for_phones(client, world):
    client.force_login(world.officer)
    page = client.get(SETUP)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    body = text(page)
    assert "开启两步验证" in body and "<svg" in body
    device = TOTPDevice.objects.get(user=world.officer)
    assert not device.confirmed  # nothing is on until a code confirms it
    assert device.config_url.startswith("otpauth://totp/")
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert 'inputmode="numeric"' in body and 'autocomplete="one-time-code"' in body
    # the same key on a second visit: a code scanned a moment ago still counts
    assert secret in text(client.get(SETUP))


def test_a_wrong_code_does_not_turn_it_on(client, world):
    client.force_login(world.officer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.officer)
    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "验证码不正确，请输入应用当前显示的 6 位数字" in text(response)
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.filter(user=world.officer).exists()
    not_digits = client.post(SETUP, {"code": "abc"})
    assert not_digits.status_code == 400 and "请输入应用显示的 6 位数字" in text(not_digits)


def test_the_right_code_turns_it_on_and_shows_ten_backup_codes_once(client, world):
    device, codes = enrol(client, world.officer)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=world.officer)
                  .values_list("token", flat=True)) == sorted(codes)
    again = client.get(CODES)
    assert again.status_code == 302 and again.url == reverse("core:two-factor")
    page = text(client.get(reverse("core:two-factor")))
    assert "备用码只显示一次" in page and "已开启" in page and "还剩 10 个备用码" in page
    assert not any(code in page for code in codes)
    # the session that turned it on is verified: it goes on without the code step
    assert client.get(HOME).status_code == 302 and client.get(HOME).url != VERIFY


def test_new_backup_codes_replace_the_old_ones(client, world):
    _, old = enrol(client, world.officer)
    confirm = client.get(reverse("core:two-factor-backup-codes"))
    assert confirm.status_code == 200 and "现有的备用码将全部失效" in text(confirm)
    response = client.post(reverse("core:two-factor-backup-codes"))
    assert response.status_code == 302 and response.url == CODES
    new = re.findall(r"<li class=\"col\">(\w+)</li>", text(client.get(CODES)))
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    sign_in(client, "officer")
    refused = client.post(VERIFY, {"code": old[0], "backup": "1"})
    assert refused.status_code == 400
    # a wrong code makes the next wait a second (throttling): as if it had passed
    StaticDevice.objects.filter(user=world.officer).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"code": new[0], "backup": "1"}).status_code == 302


# --- the code step at sign-in ----------------------------------------------------------------


def test_signing_in_with_it_on_asks_for_the_code_before_any_page(client, world, enrolled):
    device, _ = enrolled
    committee = reverse("overview:committee-detail", args=[world.a.pk])
    response = client.post(reverse("login") + f"?next={committee}",
                           {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    asked = client.get(committee)
    assert asked.status_code == 302 and asked.url.startswith(VERIFY)
    page = client.get(asked.url)
    body = text(page)
    assert page.status_code == 200 and "6 位验证码" in body
    assert 'inputmode="numeric"' in body and 'autocomplete="one-time-code"' in body
    done = client.post(asked.url, {"code": totp_code(device), "next": committee})
    assert done.status_code == 302 and done.url == committee
    assert client.get(committee).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_nothing_opens(client, world, enrolled):
    device, _ = enrolled
    sign_in(client, "officer")
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "验证码不正确或已过期" in text(response)
    assert client.get(HOME).url.startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp's throttling is on


def test_repeated_wrong_codes_make_the_user_wait_even_for_the_right_one(client, world, enrolled):
    device, _ = enrolled
    sign_in(client, "officer")
    device.throttling_failure_count, device.throttling_failure_timestamp = 5, timezone.now()
    device.save()
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 400
    assert re.search(r"验证码错误次数过多，请等待 \d+ 秒后再试", text(response))
    assert client.get(HOME).url.startswith(VERIFY)


def test_an_app_code_that_signed_in_once_does_not_sign_in_again(client, world, enrolled):
    device, _ = enrolled
    code = totp_code(device)
    sign_in(client, "officer")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, "officer")  # someone who saw the code over the shoulder, within its 30 s
    replayed = client.post(VERIFY, {"code": code})
    assert replayed.status_code == 400 and "验证码不正确或已过期" in text(replayed)
    assert client.get(HOME).url.startswith(VERIFY)


def test_a_backup_code_signs_in_once(client, world, enrolled):
    _, codes = enrolled
    sign_in(client, "officer")
    page = client.get(VERIFY + "?backup=1")
    assert "请输入一个备用码" in text(page) and 'inputmode="numeric"' not in text(page)
    assert client.post(VERIFY, {"code": codes[0].upper(), "backup": "1"}).status_code == 302
    assert client.get(HOME).status_code == 302 and not client.get(HOME).url.startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=world.officer).count() == 9
    client.post(reverse("logout"))
    sign_in(client, "officer")
    used = client.post(VERIFY, {"code": codes[0], "backup": "1"})
    assert used.status_code == 400 and "验证码不正确或已过期" in text(used)


def test_sign_out_stays_open_at_the_code_step(client, world, enrolled):
    sign_in(client, "officer")
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_signed_in_without_the_code_step_is_asked_for_it(client, world):
    """force_login (or a session from before) does not pass the code step: a user who has it
    on is asked for the code all the same."""
    TOTPDevice.objects.create(user=world.secretary_a, name="authenticator")
    client.force_login(world.secretary_a)
    response = client.get(reverse("overview:committee-detail", args=[world.a.pk]))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    # a session from before the state was kept works it out
    session = client.session
    del session[TWO_FACTOR_STATE]
    session.save()
    assert client.get(HOME).url.startswith(VERIFY)


def test_turning_it_on_elsewhere_reaches_a_session_already_open_within_a_minute(
        client, world, monkeypatch):
    from core import two_factor

    page = reverse("overview:committee-detail", args=[world.a.pk])
    sign_in(client, "officer")
    assert client.get(page).status_code == 200  # no device yet: nothing owed
    TOTPDevice.objects.create(user=world.officer, name="authenticator", confirmed=True)
    assert client.get(page).status_code == 200  # within the minute, the session's own word
    later = two_factor._now() + two_factor.RECHECK_SECONDS
    monkeypatch.setattr(two_factor, "_now", lambda: later)
    asked = client.get(page)
    assert asked.status_code == 302 and asked.url.startswith(VERIFY)


def test_whether_a_user_has_it_on_is_one_query_over_both_kinds_of_device(
    world, django_assert_num_queries
):
    user = world.officer
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    StaticDevice.objects.create(user=world.member_user, name="backup codes", confirmed=True)
    with django_assert_num_queries(1):
        assert not has_confirmed_device(user)  # one being set up does not count
    assert has_confirmed_device(world.member_user)  # backup codes alone do
    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    assert has_confirmed_device(user)


def test_users_without_it_are_not_asked(client, world):
    sign_in(client, "secretary_a")
    assert client.get(reverse("overview:committee-detail", args=[world.a.pk])).status_code == 200
    assert client.get(VERIFY).status_code == 302


# --- turning it off --------------------------------------------------------------------------


def test_turning_it_off_needs_a_current_code_or_the_password(client, world):
    device, _ = enrol(client, world.officer)
    url = reverse("core:two-factor-disable")
    assert client.get(url).status_code == 200
    empty = client.post(url, {})
    assert empty.status_code == 400 and "请输入当前验证码或登录密码" in text(empty)
    wrong = client.post(url, {"password": "wrong"})
    assert wrong.status_code == 400 and "密码不正确" in text(wrong)
    assert TOTPDevice.objects.filter(user=world.officer).exists()
    done = client.post(url, {"password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.officer).exists()
    assert not StaticDevice.objects.filter(user=world.officer).exists()
    client.logout()
    sign_in(client, "officer")
    assert not client.get(HOME).url.startswith(VERIFY)


def test_it_can_be_turned_off_with_a_current_code(client, world):
    device, _ = enrol(client, world.officer)
    response = client.post(reverse("core:two-factor-disable"), {"code": totp_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.officer).exists()


# --- whose account ---------------------------------------------------------------------------


def test_the_pages_are_the_users_own_only(client, world, enrolled):
    """No page takes an id: a member sees and changes their own state, never the officer's."""
    client.force_login(world.member_user)
    page = text(client.get(reverse("core:two-factor")))
    assert "未开启" in page and "还剩" not in page
    assert client.get(reverse("core:two-factor-disable")).status_code == 302
    client.post(reverse("core:two-factor-disable"), {"password": PASSWORD})
    client.post(reverse("core:two-factor-backup-codes"))
    assert TOTPDevice.objects.filter(user=world.officer, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=world.officer).count() == 10


@pytest.mark.parametrize("name", ["two-factor", "two-factor-setup", "two-factor-codes",
                                  "two-factor-backup-codes", "two-factor-disable",
                                  "two-factor-verify"])
def test_the_pages_need_sign_in(client, db, name):
    response = client.get(reverse(f"core:{name}"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_account_pages_offer_it_to_role_holders_and_not_to_plain_members(client, world):
    client.force_login(world.secretary_a)
    assert "两步验证" in text(client.get(reverse("password_change")))
    client.force_login(world.member_user)
    assert "两步验证" not in text(client.get(reverse("password_change")))
    # a member may still turn it on at its address
    assert client.get(SETUP).status_code == 200


# --- mandatory for district officers (OTP_REQUIRED_FOR_OFFICERS) -----------------------------


def test_the_setting_sends_an_officer_to_turn_it_on_before_any_page(client, world, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    sign_in(client, "officer")
    district = world.district.get_absolute_url()
    response = client.get(district)
    assert response.status_code == 302 and response.url == reverse("core:two-factor")
    page = client.get(response.url)
    assert page.status_code == 200 and "请先开启两步验证再继续" in text(page)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=world.officer)
    client.post(SETUP, {"code": totp_code(device)})
    assert client.get(district).status_code == 200


def test_the_setting_leaves_secretaries_alone_and_sign_out_open(client, world, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    sign_in(client, "secretary_a")
    assert client.get(reverse("overview:committee-detail", args=[world.a.pk])).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, "officer")
    assert client.post(reverse("logout")).status_code == 302


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_needs_a_session_verified_by_a_second_factor(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:two-factor")
    assert "管理后台需要两步验证" in text(response)
    client.logout()
    sign_in_with_code(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_sign_in_never_sends_a_verified_user_off_the_site(client, db):
    sign_in_with_code(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        response = client.get(reverse("admin:login") + "?" + urlencode({"next": evil}))
        assert response.status_code == 302 and "evil.example" not in response.url
    inside = client.get(reverse("admin:login") + "?next=/admin/auth/")
    assert inside.url == "/admin/auth/"


def test_the_admin_sends_a_visitor_to_the_portals_sign_in(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_the_admin_removes_a_lost_phone_without_showing_its_key(client, world, enrolled):
    device, _ = enrolled
    sign_in_with_code(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in text(page)
    assert client.get(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
                      ).status_code == 200
