"""Sign-ups and check-ins under load, on PostgreSQL (row locks and unique constraints are what
keep the numbers right; SQLite serialises writes and would prove nothing).

Run with ``DATABASE_URL=postgres://…``; deselected on other databases.
"""

import http.client
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import Activity, ActivitySignup, Attendance, SignupState
from members.models import Member
from tests.factories import ActivityFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def bulk_members(world, n, *, prefix, with_users=False):
    users = [None] * n
    if with_users:
        password = make_password(None)  # unusable: these accounts only hold a session
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"{prefix}{i}", password=password) for i in range(n)
        )
    return Member.objects.bulk_create(
        Member(committee=world.a, branch=world.a_branch, name=f"{prefix}{i}",
               category="resident", user=users[i])
        for i in range(n)
    )


def test_sixty_members_racing_for_twenty_places(world):
    activity = ActivityFactory(committee=world.a, capacity=20)
    people = bulk_members(world, 60, prefix="抢位")
    threads_n = 20
    start = threading.Barrier(threads_n)
    errors = []

    def sign_up(chunk):
        try:
            start.wait()
            for member in chunk:
                attendance.signup(activity=activity, member=member)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(people[i::threads_n],))
               for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    states = ActivitySignup.objects.filter(activity=activity).values_list("state", flat=True)
    assert sorted(states).count(SignupState.REGISTERED) == 20
    assert list(states).count(SignupState.WAITING) == 40
    assert Activity.objects.get(pk=activity.pk).signed_up == 20


def test_nine_hundred_members_scan_at_the_same_moment(world, live_server):
    start = timezone.now() - timedelta(minutes=30)
    activity = ActivityFactory(committee=world.a, title="千人健步走", starts_at=start,
                               ends_at=start + timedelta(hours=2))
    people = bulk_members(world, 900, prefix="健步", with_users=True)

    # A signed-in session for each member, written directly (900 logins would be slow).
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    session_model = store_class.get_model_class()
    backend = "django.contrib.auth.backends.ModelBackend"
    expiry = timezone.now() + timedelta(hours=1)
    keys = {}
    rows = []
    for member in people:
        user = member.user
        key = secrets.token_hex(16)
        data = store_class().encode({
            SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        })
        rows.append(session_model(session_key=key, session_data=data, expire_date=expiry))
        keys[member.pk] = key
    session_model.objects.bulk_create(rows, batch_size=500)

    server = urlsplit(live_server.url)
    path = reverse("activities:qr-checkin", args=[attendance.activity_qr_token(activity)])
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret

    def scan(member_pk):
        client = http.client.HTTPConnection(server.hostname, server.port, timeout=60)
        try:
            client.request("POST", path, body=b"", headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={keys[member_pk]}; "
                          f"{settings.CSRF_COOKIE_NAME}={csrf}; "
                          f"{settings.LANGUAGE_COOKIE_NAME}=en",
                "X-CSRFToken": csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            })
            response = client.getresponse()
            return response.status, response.read().decode()
        finally:
            client.close()

    # Each member scans twice, the two requests next to each other so that they race.
    jobs = [m.pk for m in people for _twice in range(2)]
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(scan, jobs))
    elapsed = time.monotonic() - began

    statuses = [status for status, _body in results]
    assert statuses.count(200) == 1800, {s: statuses.count(s) for s in set(statuses)}
    assert Attendance.objects.filter(activity=activity).count() == 900
    assert (
        Attendance.objects.filter(activity=activity).values("member").distinct().count() == 900
    )
    bodies = [body for _status, body in results]
    assert sum("Already checked in" in b for b in bodies) == 900
    assert sum("Checked in: 2.0 volunteer hours." in b for b in bodies) == 900
    assert elapsed < 120, f"1,800 check-ins took {elapsed:.0f} s"
