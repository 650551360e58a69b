"""Attendance: the check-in service, the staff roster, late check-ins, hours, the panel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import (
    ActivitySignup,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    SignupState,
)
from tests.conftest import session_queries
from tests.factories import ActivityFactory, CommitteeFactory, DistrictFactory, MemberFactory


def starting(world, *, hours_ago=0.5, length=2, **kwargs):
    start = timezone.now() - timedelta(hours=hours_ago)
    return ActivityFactory(committee=world.a, starts_at=start,
                           ends_at=start + timedelta(hours=length), **kwargs)


def finished_days_ago(world, days):
    start = timezone.now() - timedelta(days=days, hours=3)
    return ActivityFactory(committee=world.a, status=ActivityStatus.HELD, starts_at=start,
                           ends_at=start + timedelta(hours=2))


def members(world, n):
    return [MemberFactory(committee=world.a, branch=world.a_branch, name=f"党员{i}")
            for i in range(n)]


# --- the service --------------------------------------------------------------------------

def test_hours_default_to_the_activitys_length_to_the_half_hour(world):
    activity = starting(world, length=2.75)  # 2 h 45 min -> 3.0 (halves round to even: 5.5->6)
    record, created = attendance.check_in(activity=activity, member=world.a_member, method="qr")
    assert created and record.hours == Decimal("3.0")
    assert activity.default_hours == Decimal("3")


def test_a_second_check_in_returns_the_first(world):
    activity = starting(world)
    first, created = attendance.check_in(activity=activity, member=world.a_member, method="qr")
    again, created_again = attendance.check_in(
        activity=activity, member=world.a_member, method="roster", user=world.secretary_a,
        hours=5,
    )
    assert created and not created_again and again.pk == first.pk
    assert again.hours == Decimal("2.0") and Attendance.objects.count() == 1


def test_staff_tick_a_roster_for_an_open_activity_before_it_starts(world):
    activity = ActivityFactory(committee=world.a)  # next week
    record, _created = attendance.check_in(
        activity=activity, member=world.a_member, method="roster", user=world.secretary_a,
    )
    assert record.method == AttendanceMethod.ROSTER and record.recorded_by == world.secretary_a


def test_a_tick_after_the_end_date_is_late_and_needs_a_reason(world):
    activity = finished_days_ago(world, 2)
    with pytest.raises(ValidationError) as exc:
        attendance.check_in(activity=activity, member=world.a_member, method="roster")
    assert exc.value.message_dict == {"reason": ["Say why the check-in is late."]}
    record, _ = attendance.check_in(
        activity=activity, member=world.a_member, method="roster", reason="  忘记扫码  ",
    )
    assert (record.method, record.reason) == (AttendanceMethod.LATE, "忘记扫码")


def test_no_attendance_for_a_cancelled_activity(world):
    activity = starting(world, status=ActivityStatus.CANCELLED)
    for method in ("qr", "roster"):
        with pytest.raises(ValidationError, match="cancelled"):
            attendance.check_in(activity=activity, member=world.a_member, method=method)
    assert not Attendance.objects.exists()


def test_an_activity_without_sign_up_still_takes_attendance(world):
    """A walk-in activity (never opened for sign-up, still "planned") records attendance."""
    activity = starting(world, status=ActivityStatus.PLANNED)
    record, created = attendance.check_in(activity=activity, member=world.a_member, method="qr")
    assert created and record.method == AttendanceMethod.QR


def test_a_member_of_another_district_is_refused(world):
    far = MemberFactory(committee=CommitteeFactory(district=DistrictFactory()))
    with pytest.raises(ValidationError, match="district"):
        attendance.check_in(activity=starting(world), member=far, method="roster")


@pytest.mark.parametrize("hours", ["-1", "24.5", "1.25", "abc"])
def test_bad_hours_are_refused(world, hours):
    with pytest.raises(ValidationError) as exc:
        attendance.check_in(activity=starting(world), member=world.a_member, method="roster",
                            hours=hours)
    assert "hours" in exc.value.message_dict
    assert not Attendance.objects.exists()


def test_the_roster_is_all_or_nothing(world):
    activity = starting(world)
    ours = members(world, 2)
    far = MemberFactory(committee=CommitteeFactory(district=DistrictFactory()))
    with pytest.raises(ValidationError):
        attendance.roster_check_in(activity=activity, members=[*ours, far],
                                   user=world.secretary_a)
    assert not Attendance.objects.exists()
    assert attendance.roster_check_in(activity=activity, members=ours,
                                      user=world.secretary_a) == 2


def test_editing_hours_is_kept_in_the_history(world):
    record, _ = attendance.check_in(activity=starting(world), member=world.a_member,
                                    method="qr")
    attendance.attendance_update(attendance=record, user=world.secretary_a, hours=Decimal("3.5"))
    record.refresh_from_db()
    assert record.hours == Decimal("3.5")
    entry = LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["hours"] == ["2.0", "3.5"]


# --- the roster page ----------------------------------------------------------------------

def roster_url(activity):
    return reverse("activities:attendance-roster", args=[activity.pk])


def test_the_roster_lists_the_registered_and_records_ticks(client, world):
    activity = starting(world, capacity=5)
    registered = members(world, 2)
    for m in registered:  # the activity has started: the service takes no sign-ups now
        ActivitySignup.objects.create(activity=activity, member=m, state=SignupState.REGISTERED)
    client.force_login(world.secretary_a)
    page = client.get(roster_url(activity)).content.decode()
    assert "党员0" in page and "党员1" in page
    # The rest of the committee is found by search ("also present"), not listed.
    assert "郑优芳" not in page and 'name="others_q"' in page
    response = client.post(roster_url(activity), {
        "present": [registered[0].pk], "others": [world.a_member.pk], "hours": "1.5",
    }, follow=True)
    page = response.content.decode()
    assert "2 attendances recorded." in page
    assert list(Attendance.objects.order_by("member__name").values_list(
        "member__name", "method", "hours")) == [
        ("党员0", "roster", Decimal("1.5")), ("郑优芳", "roster", Decimal("1.5")),
    ]
    assert page.count('data-testid="attendance-row"') == 2


def test_ticking_nobody_is_refused(client, world):
    activity = starting(world)
    client.force_login(world.secretary_a)
    response = client.post(roster_url(activity), {"hours": "2"})
    assert response.status_code == 400
    assert "Tick at least one member who was present." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_member_of_another_committee_cannot_be_ticked_by_id(client, world):
    activity = starting(world)
    b_member = MemberFactory(committee=world.b, branch=world.b_branch)
    client.force_login(world.secretary_a)
    response = client.post(roster_url(activity), {"others": [b_member.pk]})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_late_tick_needs_a_reason_on_the_page(client, world):
    activity = finished_days_ago(world, 3)
    client.force_login(world.secretary_a)
    page = client.get(roster_url(activity)).content.decode()
    assert "needs a reason" in page
    response = client.post(roster_url(activity), {"others": [world.a_member.pk]})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why the check-in is late."]
    assert not Attendance.objects.exists()
    response = client.post(roster_url(activity), {"others": [world.a_member.pk],
                                                   "reason": "手机没电"})
    assert response.status_code == 302
    record = Attendance.objects.get()
    assert (record.method, record.reason, record.hours) == ("late", "手机没电", Decimal("2.0"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_a", 200), ("secretary_b", 404),
     ("branch_secretary", 403), ("member", 403)],
)
def test_the_roster_is_the_committees(client, world, persona, status):
    activity = starting(world)
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)
    assert client.get(roster_url(activity)).status_code == status
    response = client.post(roster_url(activity), {"others": [world.a_member.pk]})
    assert response.status_code == (302 if status == 200 else status)
    assert Attendance.objects.exists() == (status == 200)


def test_the_roster_needs_a_login(client, world):
    assert client.get(roster_url(starting(world))).status_code == 302


def test_the_roster_spends_the_same_queries_at_two_sizes(
    client, world, django_assert_num_queries
):
    activity = starting(world)
    people = members(world, 32)
    for m in people[30:]:  # signed up, not yet ticked: the form lists them
        ActivitySignup.objects.create(activity=activity, member=m, state=SignupState.REGISTERED)
    client.force_login(world.secretary_a)
    # user, scope (2), activity, can_write, has_registered, counts (2), the signed-up list
    # (the others are searched, not listed), page count, page rows
    expected = 8 + session_queries()
    attendance.roster_check_in(activity=activity, members=people[:3], user=world.secretary_a)
    with django_assert_num_queries(expected):
        assert client.get(roster_url(activity)).status_code == 200
    attendance.roster_check_in(activity=activity, members=people[3:30], user=world.secretary_a)
    with django_assert_num_queries(expected):
        page = client.get(roster_url(activity)).content.decode()
    assert "30 checked in, 60.0 volunteer hours in all; 2 signed up." in page


# --- editing hours ------------------------------------------------------------------------

def edit_url(record):
    return reverse("activities:attendance-update", args=[record.pk])


@pytest.fixture
def record(world):
    return attendance.check_in(activity=starting(world), member=world.a_member, method="qr")[0]


def test_staff_edit_the_hours(client, world, record):
    client.force_login(world.secretary_a)
    page = client.get(edit_url(record)).content.decode()
    assert "Volunteer hours of 郑优芳" in page and 'value="2.0"' in page
    response = client.post(edit_url(record), {"hours": "4.5"})
    assert response["Location"] == roster_url(record.activity)
    record.refresh_from_db()
    assert record.hours == Decimal("4.5")


@pytest.mark.parametrize("hours", ["25", "-1", "1.25", ""])
def test_bad_hours_are_refused_on_the_page(client, world, record, hours):
    client.force_login(world.secretary_a)
    response = client.post(edit_url(record), {"hours": hours})
    assert response.status_code == 400
    assert response.context["form"].errors["hours"]
    record.refresh_from_db()
    assert record.hours == Decimal("2.0")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_a", 200), ("secretary_b", 404),
     ("branch_secretary", 404), ("member", 403)],
)
def test_only_the_committees_side_edits_hours(client, world, record, persona, status):
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)
    assert client.get(edit_url(record)).status_code == status


def test_editing_hours_needs_a_login(client, world, record):
    assert client.get(edit_url(record)).status_code == 302


# --- the panel on the activity page -------------------------------------------------------

def test_the_panel_tells_a_waiting_member_their_place(world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    attendance.signup(activity=activity, member=members(world, 1)[0])
    attendance.signup(activity=activity, member=world.a_member)
    activity.refresh_from_db()
    people = attendance.people_panel(world.member_user, activity)
    assert people["staff"] is None
    assert (people["member"]["state"], people["member"]["position"]) == ("waiting", 1)
    assert people["member"]["can_cancel"] and not people["member"]["can_sign_up"]
    html = render_to_string("activities/_people_panel.html", {"people": people})
    assert "You are number 1 on the waiting list." in html
    assert "Cancel my sign-up" in html and "You are signed up." not in html


def test_the_panel_offers_a_sign_up_and_says_when_it_is_full(world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    attendance.signup(activity=activity, member=members(world, 1)[0])
    activity.refresh_from_db()
    people = attendance.people_panel(world.member_user, activity)
    assert people["member"]["can_sign_up"] and people["places_left"] == 0
    html = render_to_string("activities/_people_panel.html", {"people": people})
    assert "Join the waiting list" in html and "All places are taken" in html


def test_the_panel_gives_the_committee_counts_and_links(world):
    activity = starting(world, capacity=3)
    attendance.roster_check_in(activity=activity, members=members(world, 2),
                               user=world.secretary_a, hours="1.5")
    people = attendance.people_panel(world.secretary_a, activity)
    assert people["member"] is None
    assert (people["staff"]["attended"], people["staff"]["hours"]) == (2, Decimal("3.0"))
    html = render_to_string("activities/_people_panel.html", {"people": people})
    for name in ("signup-list", "attendance-roster", "qr"):
        assert reverse(f"activities:{name}", args=[activity.pk]) in html


def test_the_panel_shows_nothing_to_those_with_no_part_in_it(world):
    assert attendance.people_panel(world.branch_secretary, starting(world)) is None
    assert render_to_string("activities/_people_panel.html", {"people": None}).strip() == ""


def test_a_late_check_in_keeps_its_reason_when_the_hours_change(client, world):
    late, _ = attendance.check_in(activity=finished_days_ago(world, 2), member=world.a_member,
                                  method="roster", reason="补签")
    client.force_login(world.secretary_a)
    response = client.post(edit_url(late), {"hours": "1.0", "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    response = client.post(edit_url(late), {"hours": "1.0", "reason": "当天手机没电"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.hours, late.reason) == (Decimal("1.0"), "当天手机没电")
