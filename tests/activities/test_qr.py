"""The rotating QR code on the staff's screen and the member's scan."""

import re
import time
from datetime import timedelta
from unittest import mock
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import ActivityStatus, Attendance
from core.qr import qr_svg
from members.checkins import poster_token
from tests.factories import ActivityFactory, CommitteeFactory, DistrictFactory, MemberFactory


@pytest.fixture
def happening(world):
    """An activity of committee A that started half an hour ago and lasts two hours."""
    start = timezone.now() - timedelta(minutes=30)
    return ActivityFactory(committee=world.a, title="垃圾分类宣传", starts_at=start,
                           ends_at=start + timedelta(hours=2))


def checkin_url(token):
    return reverse("activities:qr-checkin", args=[token])


def qr_url(activity):
    return reverse("activities:qr", args=[activity.pk])


# --- the member's scan --------------------------------------------------------------------

def test_a_valid_code_shows_the_activity_and_a_check_in_button(client, world, happening):
    client.force_login(world.member_user)
    response = client.get(checkin_url(attendance.activity_qr_token(happening)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "垃圾分类宣传" in page and 'data-testid="checkin-button"' in page
    assert "Checking in as 郑优芳." in page
    assert not Attendance.objects.exists()  # looking is not checking in


def test_scanning_checks_the_member_in_once(client, world, happening):
    client.force_login(world.member_user)
    url = checkin_url(attendance.activity_qr_token(happening))
    first = client.post(url)
    assert first.status_code == 200
    assert "Checked in: 2.0 volunteer hours." in first.content.decode()
    second = client.post(url)
    assert second.status_code == 200
    assert "Already checked in" in second.content.decode()
    assert "Already checked in" in client.get(url).content.decode()
    record = Attendance.objects.get()
    assert (record.member, record.method, record.recorded_by) == (
        world.a_member, "qr", world.member_user
    )


# --- what one scan costs (bench/checkin_burst.py: 900 members at once) --------------------

@pytest.fixture
def warm(settings):
    """Production's sessions (in the cache, the database behind it) and a process that has
    looked up the content type auditlog writes with once already."""
    settings.SESSION_ENGINE = "core.cached_db"
    ContentType.objects.get_for_model(Attendance)


def statements(queries):
    return [q["sql"].split(" ", 2)[:2] for q in queries]


def test_a_check_in_reads_the_account_then_the_activity_with_the_member_then_writes_once(
    client, world, happening, warm, django_assert_num_queries
):
    client.force_login(world.member_user)
    url = checkin_url(attendance.activity_qr_token(happening))
    # the account (the sign-in's check), the activity with its committee and the member in
    # one statement (attendance.scanned); then the attendance and its audit entry: on
    # PostgreSQL one statement (core.db.create_once), elsewhere two inserts in a savepoint.
    # No session row (the cache has it), no scope, no bell count: the scan page has no
    # navigation bar.
    on_postgres = connection.vendor == "postgresql"
    writes = ["WITH"] if on_postgres else ["SAVEPOINT", "INSERT", "INSERT", "RELEASE"]
    with django_assert_num_queries(2 + len(writes)) as done:
        response = client.post(url)
    assert "Checked in" in response.content.decode()
    sql = " ".join(q["sql"] for q in done.captured_queries)
    assert "django_session" not in sql and "core_notification" not in sql
    assert [s[0] for s in statements(done.captured_queries)] == ["SELECT"] * 2 + writes
    record = Attendance.objects.get()
    entry = LogEntry.objects.get_for_object(record).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, world.member_user)
    # a second scan: on PostgreSQL the same statement finds the first attendance
    with django_assert_num_queries(3 if on_postgres else 7):
        assert "Already checked in" in client.post(url).content.decode()
    with django_assert_num_queries(3):  # looking again: the same two, and the record
        assert "Already checked in" in client.get(url).content.decode()
    assert Attendance.objects.count() == 1 and LogEntry.objects.get_for_object(record).count() == 1


def test_a_check_in_writes_the_audit_entry_auditlog_would(client, world, happening):
    """The entry core.db.create_once writes with the row reads as django-auditlog's own: the
    new row's id in it, every field's value, the actor and the address."""
    client.force_login(world.member_user)
    client.post(checkin_url(attendance.activity_qr_token(happening)),
                REMOTE_ADDR="10.1.2.3")
    record = Attendance.objects.get()
    entry = LogEntry.objects.get_for_object(record).get()
    assert (entry.object_pk, entry.object_id) == (str(record.pk), record.pk)
    assert entry.object_repr == str(record)
    assert entry.changes_dict == {
        "id": ["None", str(record.pk)],
        "activity": ["None", str(happening.pk)],
        "member": ["None", str(world.a_member.pk)],
        "method": ["None", "qr"],
        "hours": ["None", "2.0"],
        "reason": ["None", ""],
        "checked_in_at": ["None", str(record.checked_in_at.replace(tzinfo=None))],
        "recorded_by": ["None", str(world.member_user.pk)],
    }
    assert (entry.actor, entry.remote_addr) == (world.member_user, "10.1.2.3")
    assert entry.content_type == ContentType.objects.get_for_model(Attendance)


def test_a_check_in_queues_the_committees_figures_once(
    world, happening, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """core.db.create_once sends post_save as save() would: the kept figures are counted
    again (once), and no second audit entry is written by auditlog's own receiver."""
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(f"figures:queued:{world.a.pk}")
    queued = []
    monkeypatch.setattr("overview.tasks.count_committee_figures.apply_async",
                        lambda args, countdown: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        record, created = attendance.check_in(activity=happening, member=world.a_member,
                                              method="qr", user=world.member_user)
        again, created_again = attendance.check_in(activity=happening, member=world.a_member,
                                                   method="qr", user=world.member_user)
    assert (created, created_again, again.pk) == (True, False, record.pk)
    assert queued == [(world.a.pk,)]
    assert LogEntry.objects.get_for_object(record).count() == 1
    cache.delete(f"figures:queued:{world.a.pk}")


def test_the_one_tap_form_carries_its_csrf_token(world, happening):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member_user)
    url = checkin_url(attendance.activity_qr_token(happening))
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert client.post(url).status_code == 403  # without it: refused, nobody checked in
    assert not Attendance.objects.exists()
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and Attendance.objects.count() == 1


def test_the_scan_page_leads_on_to_my_activities_and_home(client, world, happening):
    client.force_login(world.member_user)
    page = client.post(checkin_url(attendance.activity_qr_token(happening))).content.decode()
    assert f'href="{reverse("activities:my-activities")}"' in page
    assert f'href="{reverse("overview:home")}"' in page


def test_an_expired_code_is_refused_with_a_friendly_page(client, world, happening):
    with mock.patch("time.time", return_value=time.time() - attendance.QR_MAX_AGE - 5):
        old = attendance.activity_qr_token(happening)
    client.force_login(world.member_user)
    for response in (client.get(checkin_url(old)), client.post(checkin_url(old))):
        assert response.status_code == 400
        assert "Ask the staff to show the code again" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_code_a_few_minutes_old_still_works(client, world, happening):
    with mock.patch("time.time", return_value=time.time() - 120):
        token = attendance.activity_qr_token(happening)
    client.force_login(world.member_user)
    assert client.post(checkin_url(token)).status_code == 200
    assert Attendance.objects.count() == 1


def test_a_forged_code_is_refused(client, world, happening):
    token = attendance.activity_qr_token(happening)
    last = "A" if token[-1] != "A" else "B"
    client.force_login(world.member_user)
    assert client.post(checkin_url(token[:-1] + last)).status_code == 400
    other_pk = token.replace(str(happening.pk), str(happening.pk + 1), 1)
    assert client.post(checkin_url(other_pk)).status_code == 400
    assert not Attendance.objects.exists()


def test_a_code_made_for_something_else_is_refused(client, world, happening):
    client.force_login(world.member_user)
    assert client.get(checkin_url(poster_token(world.a))).status_code == 400
    from core.qr import rotating_token

    meeting_token = rotating_token("members.checkins", happening.pk)
    assert client.post(checkin_url(meeting_token)).status_code == 400
    assert not Attendance.objects.exists()


def test_an_anonymous_scan_goes_to_sign_in_and_comes_back(client, world, happening):
    url = checkin_url(attendance.activity_qr_token(happening))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={quote(url, safe='/')}" in response["Location"]


def test_an_account_without_a_member_record_is_told_so(client, world, happening):
    client.force_login(world.secretary_a)
    response = client.post(checkin_url(attendance.activity_qr_token(happening)))
    assert response.status_code == 403
    assert "not linked to a party member" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_volunteer_from_another_community_of_the_district_checks_in(client, world, happening):
    from tests.factories import UserFactory

    neighbour = MemberFactory(committee=world.b, branch=world.b_branch, name="李志强",
                              user=UserFactory(username="neighbour"))
    client.force_login(neighbour.user)
    response = client.post(checkin_url(attendance.activity_qr_token(happening)))
    assert response.status_code == 200 and "Checked in" in response.content.decode()
    assert Attendance.objects.get().member == neighbour


def test_a_scan_reads_the_activity_and_the_member_as_the_orm_would(
    world, happening, django_assert_num_queries
):
    from tests.factories import UserFactory

    neighbour = MemberFactory(committee=world.b, branch=world.b_branch, name="李志强",
                              user=UserFactory(username="neighbour"))
    token = attendance.activity_qr_token(happening)
    with django_assert_num_queries(1):
        activity, member = attendance.scanned(token, neighbour.user)
        # what the check-in reads of them, the districts included, in that one statement
        assert (activity.committee.district_id, member.committee.district_id) == (
            world.a.district_id, world.b.district_id)
        assert (member.pk, member.name, member.committee_id) == (neighbour.pk, "李志强", world.b.pk)
    fresh = type(happening).objects.get(pk=happening.pk)
    assert [getattr(activity, f.attname) for f in fresh._meta.concrete_fields] == [
        getattr(fresh, f.attname) for f in fresh._meta.concrete_fields]
    assert attendance.scanned(token + "x", neighbour.user) == (None, None)


def test_a_member_of_another_district_is_refused(client, world, happening):
    from tests.factories import UserFactory

    far = MemberFactory(committee=CommitteeFactory(district=DistrictFactory()),
                        user=UserFactory(username="far"))
    client.force_login(far.user)
    response = client.post(checkin_url(attendance.activity_qr_token(happening)))
    assert response.status_code == 400
    assert "district" in response.content.decode()
    assert not Attendance.objects.exists()


def test_scanning_too_early_or_for_a_cancelled_activity_is_refused(client, world):
    next_week = ActivityFactory(committee=world.a)
    cancelled = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED,
                                starts_at=timezone.now(),
                                ends_at=timezone.now() + timedelta(hours=1))
    client.force_login(world.member_user)
    early = client.get(checkin_url(attendance.activity_qr_token(next_week)))
    assert "Check-in opens two hours before the activity starts." in early.content.decode()
    assert client.post(checkin_url(attendance.activity_qr_token(next_week))).status_code == 400
    response = client.post(checkin_url(attendance.activity_qr_token(cancelled)))
    assert response.status_code == 400
    assert "was cancelled: no attendance" in response.content.decode()
    assert not Attendance.objects.exists()


def test_scanning_closes_six_hours_after_the_end(world):
    start = timezone.now() - timedelta(hours=9)
    activity = ActivityFactory(committee=world.a, starts_at=start,
                               ends_at=start + timedelta(hours=2))
    assert "closed" in attendance.activity_qr_refusal(activity)
    activity.ends_at = start + timedelta(hours=4)
    assert attendance.activity_qr_refusal(activity) is None


# --- the staff's screen -------------------------------------------------------------------

def test_the_screen_shows_a_fresh_code_that_checks_in_to_this_activity(
    client, world, happening
):
    Attendance.objects.create(activity=happening, member=world.a_member, method="qr",
                              hours=2)
    client.force_login(world.secretary_a)
    with mock.patch("core.qr.qr_svg", wraps=qr_svg) as drawn:
        response = client.get(qr_url(happening))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="30">' in page
    assert response["Cache-Control"] == "no-store"
    assert "<svg" in page and "垃圾分类宣传" in page
    assert 'data-testid="checked-in-count">1<' in page
    url = drawn.call_args.args[0]
    prefix = "http://testserver/activities/checkin/"
    assert url.startswith(prefix)
    token = url.removeprefix(prefix).rstrip("/")
    assert attendance.scanned(token, world.secretary_a) == (happening, None)
    assert "style=" not in page  # nothing inline that the CSP would block


def test_the_screen_of_a_cancelled_activity_shows_no_code(client, world):
    activity = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED)
    client.force_login(world.secretary_a)
    page = client.get(qr_url(activity)).content.decode()
    assert "<svg" not in page and "was cancelled: no attendance" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_a", 200), ("secretary_b", 404),
     ("branch_secretary", 403), ("member", 403)],
)
def test_only_the_committees_side_shows_the_code(client, world, happening, persona, status):
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)
    assert client.get(qr_url(happening)).status_code == status


def test_the_screen_needs_a_login(client, world, happening):
    assert client.get(qr_url(happening)).status_code == 302
