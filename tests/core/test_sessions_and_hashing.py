"""A session ends after a while without requests, sooner for the district's officers; and
passwords are hashed with Argon2 (hashes made by another hasher are upgraded at sign-in)."""

import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from django.urls import reverse

from core.middleware import IDLE_LIMIT, IDLE_SEEN, idle_limit_for

LIMITS = {"officer": 1800, "role": 7200, "member": 604800}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.SESSION_IDLE_SECONDS = LIMITS


def test_officers_idle_least_then_secretaries_then_members(world, liaison):
    assert idle_limit_for(world.officer) == 1800
    assert idle_limit_for(world.secretary_a) == 7200
    assert idle_limit_for(world.branch_secretary) == 7200
    assert idle_limit_for(liaison) == 7200
    assert idle_limit_for(world.member_user) == 604800


def idle(client, seconds):
    session = client.session
    session[IDLE_SEEN] = int(time.time()) - seconds
    session.save()


def test_an_officer_idle_for_longer_than_their_limit_is_signed_out(login, world):
    client = login(world.officer)
    page = world.a.get_absolute_url()
    assert client.session[IDLE_LIMIT] == 1800
    idle(client, 1700)
    assert client.get(page).status_code == 200  # within the limit: still signed in
    idle(client, 1801)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    signed_in = client.get(response["Location"])
    assert "没有操作" in signed_in.content.decode()  # the sign-in page says why


def test_a_member_stays_signed_in_for_days(login, world):
    client = login(world.member_user)
    idle(client, 3 * 24 * 3600)
    assert client.get(reverse("members:me")).status_code == 200


def test_the_last_seen_time_is_written_at_most_once_a_minute(login, world):
    client = login(world.secretary_a)
    before = client.session[IDLE_SEEN]
    client.get(world.a.get_absolute_url())
    assert client.session[IDLE_SEEN] == before  # a request within the minute writes nothing
    idle(client, 120)
    client.get(world.a.get_absolute_url())
    assert client.session[IDLE_SEEN] >= int(time.time()) - 5


def test_a_members_week_long_session_is_written_once_in_100_minutes(login, world):
    client = login(world.member_user)
    idle(client, 30 * 60)
    before = client.session[IDLE_SEEN]
    client.get(reverse("members:me"))
    assert client.session[IDLE_SEEN] == before  # half an hour later: nothing written
    idle(client, 101 * 60)
    client.get(reverse("members:me"))
    assert client.session[IDLE_SEEN] >= int(time.time()) - 5


def test_a_session_from_before_the_limit_gets_one(login, world):
    client = login(world.secretary_a)
    session = client.session
    del session[IDLE_LIMIT]
    session.save()
    assert client.get(world.a.get_absolute_url()).status_code == 200
    assert client.session[IDLE_LIMIT] == 7200


@override_settings(PASSWORD_HASHERS=[
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
])
def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded(client, world):
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")  # what production uses
    assert make_password("秘密口令-2026").startswith("argon2$")
    user = world.secretary_a
    user.password = make_password("pw-for-tests-only", hasher="pbkdf2_sha256")
    user.save()
    assert client.post(reverse("login"), {"username": "secretary_a",
                                          "password": "pw-for-tests-only"}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert check_password("pw-for-tests-only", user.password)
