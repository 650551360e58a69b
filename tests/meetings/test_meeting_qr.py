"""Checking in to a meeting by the rotating QR code (the same code, screen and scan page as an
activity's): once per member, late after fifteen minutes, closed after sign-off."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from core.qr import qr_svg
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingAttendance
from tests.factories import MemberFactory, UserFactory


def plan(world, *, minutes_ago=5, **fields):
    meeting = Meeting(kind="monthly", title="三月例会",
                      starts_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)
    return meeting_services.meeting_save(meeting=meeting, user=world.secretary_a, committee=world.a)


def checkin_url(token):
    return reverse("meetings:meeting-qr-checkin", args=[token])


def qr_url(meeting):
    return reverse("meetings:meeting-qr", args=[meeting.pk])


def own_row(world, meeting):
    return MeetingAttendance.objects.get(meeting=meeting, member=world.a_member)


# --- the member's scan ----------------------------------------------------------------------

def test_a_valid_code_shows_the_meeting_and_a_button(client, world):
    meeting = plan(world)
    client.force_login(world.member_user)
    page = client.get(checkin_url(meeting_services.meeting_qr_token(meeting))).content.decode()
    assert "三月例会" in page and 'data-testid="checkin-button"' in page
    assert "Checking in as 郑优芳." in page
    assert own_row(world, meeting).status == "expected"  # looking is not checking in


def test_scanning_marks_the_expected_member_present_once(client, world):
    meeting = plan(world)
    client.force_login(world.member_user)
    url = checkin_url(meeting_services.meeting_qr_token(meeting))
    first = client.post(url)
    assert first.status_code == 200 and "Checked in at" in first.content.decode()
    row = own_row(world, meeting)
    assert row.status == "present" and row.checked_in_at is not None
    second = client.post(url)
    assert "already recorded: Present" in second.content.decode()
    assert "already recorded" in client.get(url).content.decode()
    assert MeetingAttendance.objects.filter(meeting=meeting, member=world.a_member).count() == 1
    assert own_row(world, meeting).checked_in_at == row.checked_in_at


def test_more_than_fifteen_minutes_after_the_start_is_late(client, world):
    meeting = plan(world, minutes_ago=20)
    client.force_login(world.member_user)
    client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert own_row(world, meeting).status == "late"


def test_a_member_of_the_committee_not_expected_gets_a_row(client, world):
    meeting = plan(world)
    newcomer = MemberFactory(committee=world.a, branch=world.a_retirees, name="新来党员",
                             user=UserFactory(username="newcomer"))
    client.force_login(newcomer.user)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 200
    row = MeetingAttendance.objects.get(meeting=meeting, member=newcomer)
    assert (row.name, row.status) == ("新来党员", "present")


def test_a_member_of_another_committee_is_refused(client, world):
    meeting = plan(world)
    outsider = MemberFactory(committee=world.b, branch=world.b_branch,
                             user=UserFactory(username="outsider"))
    client.force_login(outsider.user)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 400
    assert "not expected at this meeting" in response.content.decode()
    assert not MeetingAttendance.objects.filter(member=outsider).exists()


def test_leave_already_recorded_is_not_overwritten(client, world):
    meeting = plan(world)
    row = own_row(world, meeting)
    meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                               rows=[(row.pk, "leave", "出差")])
    client.force_login(world.member_user)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert "already recorded: Absent with leave" in response.content.decode()
    assert own_row(world, meeting).status == "leave"


def test_an_absent_mark_is_replaced_by_the_scan(client, world):
    meeting = plan(world)
    row = own_row(world, meeting)
    meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                               rows=[(row.pk, "absent", "")])
    client.force_login(world.member_user)
    client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert own_row(world, meeting).status == "present"


def test_an_expired_code_is_refused(client, world):
    meeting = plan(world)
    with mock.patch("time.time", return_value=time.time() - attendance.QR_MAX_AGE - 5):
        old = meeting_services.meeting_qr_token(meeting)
    client.force_login(world.member_user)
    for response in (client.get(checkin_url(old)), client.post(checkin_url(old))):
        assert response.status_code == 400
        assert "Ask the staff to show the code again" in response.content.decode()
    assert own_row(world, meeting).status == "expected"


def test_forged_codes_and_activity_codes_are_refused(client, world):
    meeting = plan(world)
    token = meeting_services.meeting_qr_token(meeting)
    last = "A" if token[-1] != "A" else "B"
    client.force_login(world.member_user)
    assert client.post(checkin_url(token[:-1] + last)).status_code == 400
    activity_token = attendance.activity_qr_token(meeting)  # signed for activities, same id
    assert client.post(checkin_url(activity_token)).status_code == 400
    assert own_row(world, meeting).status == "expected"


def test_an_account_without_a_member_record_is_told_so(client, world):
    meeting = plan(world)
    client.force_login(world.secretary_a)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 403
    assert "not linked to a party member" in response.content.decode()


def test_an_anonymous_scan_goes_to_sign_in(client, world):
    meeting = plan(world)
    response = client.get(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("minutes_ago", "message"), [
    (-180, "opens two hours before the meeting starts"),
    (6 * 60 + 5, "has closed"),
])
def test_scanning_outside_the_window_is_refused(client, world, minutes_ago, message):
    meeting = plan(world, minutes_ago=minutes_ago)
    client.force_login(world.member_user)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 400 and message in response.content.decode()
    assert own_row(world, meeting).status == "expected"


def test_after_sign_off_check_in_is_closed(client, world):
    meeting = plan(world)
    meeting_services.minutes_save(
        meeting=meeting, user=world.secretary_a, minutes="纪要", decisions=""
    )
    meeting_services.sign_off(meeting=meeting, user=world.secretary_a)
    client.force_login(world.member_user)
    response = client.post(checkin_url(meeting_services.meeting_qr_token(meeting)))
    assert response.status_code == 400
    assert "check-in is closed" in response.content.decode()
    assert own_row(world, meeting).status == "expected"


def test_the_window_edges(world):
    meeting = plan(world)
    start = meeting.starts_at
    assert meeting_services.meeting_qr_refusal(meeting, now=start - timedelta(hours=2)) is None
    assert meeting_services.meeting_qr_refusal(meeting, now=start - timedelta(hours=2, seconds=1))
    assert meeting_services.meeting_qr_refusal(meeting, now=start + timedelta(hours=6)) is None
    assert meeting_services.meeting_qr_refusal(meeting, now=start + timedelta(hours=6, seconds=1))


# --- the recorder's screen ------------------------------------------------------------------

def test_the_screen_shows_a_fresh_code_for_this_meeting(client, world):
    meeting = plan(world)
    row = own_row(world, meeting)
    meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                               rows=[(row.pk, "present", "")])
    client.force_login(world.secretary_a)
    with mock.patch("core.qr.qr_svg", wraps=qr_svg) as drawn:
        response = client.get(qr_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="30">' in page
    assert "<svg" in page and "三月例会" in page and "学苑社区" in page
    assert 'data-testid="checked-in-count">1<' in page
    prefix = "http://testserver/meetings/checkin/"
    code_url = drawn.call_args.args[0]
    assert code_url.startswith(prefix)
    assert meeting_services.meeting_from_token(code_url.removeprefix(prefix).rstrip("/")) == meeting
    assert "Back to the meeting" in page and "style=" not in page


def test_the_screen_of_a_signed_off_meeting_shows_no_code(client, world):
    meeting = plan(world)
    meeting_services.minutes_save(
        meeting=meeting, user=world.secretary_a, minutes="纪要", decisions=""
    )
    meeting_services.sign_off(meeting=meeting, user=world.secretary_a)
    client.force_login(world.secretary_a)
    page = client.get(qr_url(meeting)).content.decode()
    assert "<svg" not in page and "check-in is closed" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_a", 200), ("secretary_b", 404),
     ("branch_secretary", 403), ("member", 403)],
)
def test_only_the_meetings_keepers_show_the_code(client, world, persona, status):
    meeting = plan(world)
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)
    assert client.get(qr_url(meeting)).status_code == status


def test_a_branch_secretary_shows_the_code_of_their_branchs_meeting(client, world):
    meeting = Meeting(kind="branch_assembly", starts_at=timezone.now())
    meeting_services.meeting_save(
        meeting=meeting, user=world.branch_secretary, branch=world.a_branch
    )
    client.force_login(world.branch_secretary)
    assert client.get(qr_url(meeting)).status_code == 200
