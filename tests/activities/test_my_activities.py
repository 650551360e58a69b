"""The member's activities: their own page of activities, and activities and hours on the
member page and on "My page"."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import ActivityStatus, Attendance
from tests.conftest import session_queries
from tests.factories import ActivityFactory, MemberFactory

MINE = reverse("activities:my-activities")


def attend(activity, member, hours):
    return Attendance.objects.create(activity=activity, member=member, method="roster",
                                     hours=Decimal(hours))


def held(world, title, when, committee=None):
    return ActivityFactory(committee=committee or world.a, title=title, starts_at=when,
                           ends_at=when + timedelta(hours=2), status=ActivityStatus.HELD)


@pytest.fixture
def history(world):
    """郑优芳 attended two activities this year (at A and at B) and one last year."""
    this_year = timezone.localtime().replace(month=1, day=1, hour=0, minute=30)
    last_year = this_year.replace(year=this_year.year - 1)
    attend(held(world, "植树活动", this_year), world.a_member, "2.0")
    attend(held(world, "邻里节", this_year + timedelta(hours=3), committee=world.b),
           world.a_member, "1.5")
    attend(held(world, "敬老院慰问", last_year), world.a_member, "3.0")


def test_the_member_sees_upcoming_activities_of_their_community(client, world):
    ActivityFactory(committee=world.a, title="义诊进社区")
    ActivityFactory(committee=world.a, title="读书会", status=ActivityStatus.PLANNED)
    ActivityFactory(committee=world.a, title="已取消", status=ActivityStatus.CANCELLED)
    ActivityFactory(committee=world.b, title="御沁园活动")
    client.force_login(world.member_user)
    page = client.get(MINE).content.decode()
    assert "义诊进社区" in page and "读书会" in page
    assert "已取消" not in page and "御沁园活动" not in page
    assert page.count('data-testid="upcoming-row"') == 2


def test_the_member_sees_their_sign_ups_with_the_waiting_position(client, world):
    full = ActivityFactory(committee=world.a, capacity=2, title="满员活动")
    for i in range(3):
        other = MemberFactory(committee=world.a, branch=world.a_branch, name=f"党员{i}")
        attendance.signup(activity=full, member=other)
    attendance.signup(activity=full, member=world.a_member)
    client.force_login(world.member_user)
    page = client.get(MINE).content.decode()
    assert page.count('data-testid="my-signup-row"') == 1
    assert "waiting no. 2" in page


def test_the_member_signs_up_from_the_page_and_comes_back_to_it(client, world):
    activity = ActivityFactory(committee=world.a, title="义诊进社区")
    client.force_login(world.member_user)
    page = client.get(MINE).content.decode()
    assert reverse("activities:signup", args=[activity.pk]) in page
    response = client.post(reverse("activities:signup", args=[activity.pk]), {"next": MINE})
    assert response["Location"] == MINE
    page = client.get(MINE).content.decode()
    assert page.count('data-testid="my-signup-row"') == 1 and "Signed up" in page


def test_the_member_sees_their_hours_this_year_and_in_all(client, world, history):
    client.force_login(world.member_user)
    response = client.get(MINE)
    assert response.context["this_year"]["hours"] == Decimal("3.5")
    assert response.context["this_year"]["count"] == 2
    assert response.context["overall"]["hours"] == Decimal("6.5")
    page = response.content.decode()
    for title in ("植树活动", "邻里节", "敬老院慰问"):
        assert title in page
    assert ">3.5<" in page and ">6.5<" in page


def test_only_a_member_has_this_page(client, world):
    assert client.get(MINE).status_code == 302
    for user in (world.secretary_a, world.officer, world.branch_secretary):
        client.force_login(user)
        assert client.get(MINE).status_code == 404


def test_the_page_spends_the_same_queries_at_two_sizes(
    client, world, django_assert_num_queries
):
    client.force_login(world.member_user)
    start = timezone.now() - timedelta(days=400)

    def grow_to(n):
        for i in range(Attendance.objects.count(), n):
            attend(held(world, f"活动{i}", start + timedelta(days=i)), world.a_member, "1.0")
            upcoming = ActivityFactory(committee=world.a, capacity=1)
            attendance.signup(activity=upcoming, member=world.a_member)

    # user, scope (roles, member record, bell), member, sign-ups, upcoming, this year's
    # totals, the recent attendances (with all their totals)
    expected = 7 + session_queries()
    grow_to(3)
    with django_assert_num_queries(expected):
        client.get(MINE)
    grow_to(30)
    with django_assert_num_queries(expected):
        response = client.get(MINE)
    assert response.context["overall"]["count"] == 30
    assert len(response.context["signups"]) == 30


# --- the member page and "My page" --------------------------------------------------------

def test_the_member_page_shows_their_activities_and_hours(client, world, history):
    client.force_login(world.officer)
    page = client.get(world.a_member.get_absolute_url()).content.decode()
    assert "3 activities attended, 6.5 volunteer hours." in page
    assert "植树活动" in page and "邻里节" in page


def test_a_committee_secretary_sees_the_hours_at_their_committees_activities(
    client, world, history
):
    client.force_login(world.secretary_a)
    page = client.get(world.a_member.get_absolute_url()).content.decode()
    assert "2 activities attended, 5.0 volunteer hours." in page
    assert "邻里节" not in page  # committee B's activity: kept by B


def test_a_branch_secretary_who_counts_no_attendance_sees_no_misleading_zero(
    client, world, history
):
    client.force_login(world.branch_secretary)
    response = client.get(world.a_member.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="member-activities"' not in response.content.decode()


def test_my_page_shows_my_activities_and_hours(client, world, history):
    client.force_login(world.member_user)
    page = client.get(reverse("members:me")).content.decode()
    assert "3 activities attended, 6.5 volunteer hours." in page
    assert page.count('data-testid="member-attendance"') == 3
    assert MINE in page


def test_the_last_ten_are_listed_and_all_are_counted(client, world):
    start = datetime(2025, 3, 1, 9, tzinfo=timezone.get_current_timezone())
    for i in range(12):
        attend(held(world, f"活动{i:02d}", start + timedelta(days=i)), world.a_member, "1.0")
    client.force_login(world.member_user)
    page = client.get(reverse("members:me")).content.decode()
    assert "12 activities attended, 12.0 volunteer hours." in page
    assert page.count('data-testid="member-attendance"') == 10
    assert "活动11" in page and "活动01" not in page  # newest first
