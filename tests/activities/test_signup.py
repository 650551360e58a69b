"""Signing up for an activity: places, the waiting list, cancelling, the sign-up list."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import attendance
from activities.models import Activity, ActivitySignup, ActivityStatus, SignupState
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    DistrictFactory,
    MemberFactory,
    UserFactory,
)


def members(world, n, committee=None):
    committee = committee or world.a
    branch = world.a_branch if committee == world.a else world.b_branch
    return [MemberFactory(committee=committee, branch=branch, name=f"党员{i}") for i in range(n)]


def states(activity):
    return list(
        ActivitySignup.objects.filter(activity=activity)
        .order_by("created_at", "pk")
        .values_list("member__name", "state")
    )


def signed_up(activity):
    return Activity.objects.get(pk=activity.pk).signed_up


# --- the service --------------------------------------------------------------------------

def test_the_third_of_two_places_goes_on_the_waiting_list(world):
    activity = ActivityFactory(committee=world.a, capacity=2)
    first, second, third = members(world, 3)
    for m in (first, second, third):
        attendance.signup(activity=activity, member=m)
    assert states(activity) == [
        ("党员0", SignupState.REGISTERED), ("党员1", SignupState.REGISTERED),
        ("党员2", SignupState.WAITING),
    ]
    assert signed_up(activity) == 2


def test_cancelling_a_place_moves_the_first_waiting_up(world):
    activity = ActivityFactory(committee=world.a, capacity=2)
    people = members(world, 4)
    signups = [attendance.signup(activity=activity, member=m) for m in people]
    attendance.signup_cancel(signup=signups[0], user=world.secretary_a)
    assert states(activity) == [
        ("党员0", SignupState.CANCELLED), ("党员1", SignupState.REGISTERED),
        ("党员2", SignupState.REGISTERED), ("党员3", SignupState.WAITING),
    ]
    assert signed_up(activity) == 2
    assert attendance.waiting_position(ActivitySignup.objects.get(pk=signups[3].pk)) == 1


def test_cancelling_a_waiting_place_frees_nothing(world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    people = members(world, 3)
    signups = [attendance.signup(activity=activity, member=m) for m in people]
    assert attendance.waiting_position(signups[2]) == 2
    attendance.signup_cancel(signup=signups[1], user=world.secretary_a)
    assert signed_up(activity) == 1
    assert attendance.waiting_position(ActivitySignup.objects.get(pk=signups[2].pk)) == 1


def test_no_capacity_means_everyone_gets_a_place(world):
    activity = ActivityFactory(committee=world.a, capacity=None)
    for m in members(world, 5):
        assert attendance.signup(activity=activity, member=m).state == SignupState.REGISTERED
    assert signed_up(activity) == 5


def test_raising_the_capacity_fills_places_from_the_waiting_list(world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    for m in members(world, 4):
        attendance.signup(activity=activity, member=m)
    Activity.objects.filter(pk=activity.pk).update(capacity=3)
    activity.refresh_from_db()
    assert attendance.fill_places(activity) == 2
    assert activity.signed_up == 3 == signed_up(activity)
    assert [s for _n, s in states(activity)] == [SignupState.REGISTERED] * 3 + [
        SignupState.WAITING
    ]


def test_a_second_sign_up_is_refused(world):
    activity = ActivityFactory(committee=world.a, capacity=5)
    attendance.signup(activity=activity, member=world.a_member)
    with pytest.raises(ValidationError, match="already signed up"):
        attendance.signup(activity=activity, member=world.a_member)
    assert ActivitySignup.objects.filter(activity=activity).count() == 1
    assert signed_up(activity) == 1


def test_signing_up_again_after_cancelling_is_allowed(world):
    activity = ActivityFactory(committee=world.a, capacity=5)
    first = attendance.signup(activity=activity, member=world.a_member)
    attendance.signup_cancel(signup=first, user=world.member_user)
    again = attendance.signup(activity=activity, member=world.a_member)
    assert again.state == SignupState.REGISTERED and signed_up(activity) == 1


@pytest.mark.parametrize("status", [ActivityStatus.PLANNED, ActivityStatus.HELD,
                                    ActivityStatus.CANCELLED])
def test_only_an_open_activity_takes_sign_ups(world, status):
    activity = ActivityFactory(committee=world.a, status=status)
    with pytest.raises(ValidationError, match="not open for sign-up"):
        attendance.signup(activity=activity, member=world.a_member)
    assert not ActivitySignup.objects.exists()


def test_a_started_activity_takes_no_sign_ups_and_no_cancellations(world):
    activity = ActivityFactory(committee=world.a, capacity=5)
    signup = attendance.signup(activity=activity, member=world.a_member)
    start = timezone.now() - timedelta(minutes=1)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    late_comer = members(world, 1)[0]
    with pytest.raises(ValidationError, match="already started"):
        attendance.signup(activity=activity, member=late_comer)
    with pytest.raises(ValidationError, match="can no longer be cancelled"):
        attendance.signup_cancel(signup=signup, user=world.member_user)


def test_a_member_of_another_district_cannot_sign_up(world):
    elsewhere = CommitteeFactory(district=DistrictFactory(name="永济市"))
    stranger = MemberFactory(committee=elsewhere)
    activity = ActivityFactory(committee=world.a)
    with pytest.raises(ValidationError, match="district"):
        attendance.signup(activity=activity, member=stranger)


def test_a_member_of_another_committee_of_the_district_can_sign_up(world):
    neighbour = members(world, 1, committee=world.b)[0]
    activity = ActivityFactory(committee=world.a)
    assert attendance.signup(activity=activity, member=neighbour).state == SignupState.REGISTERED


def test_only_the_member_or_the_committee_cancels(world):
    activity = ActivityFactory(committee=world.a)
    signup = attendance.signup(activity=activity, member=world.a_member)
    for user in (world.secretary_b, world.branch_secretary):
        with pytest.raises(PermissionDenied):
            attendance.signup_cancel(signup=signup, user=user)
    assert ActivitySignup.objects.get(pk=signup.pk).state == SignupState.REGISTERED


# --- the pages ----------------------------------------------------------------------------

def signup_url(activity):
    return reverse("activities:signup", args=[activity.pk])


def cancel_url(activity):
    return reverse("activities:signup-cancel", args=[activity.pk])


def list_url(activity):
    return reverse("activities:signup-list", args=[activity.pk])


def test_a_member_signs_up_and_cancels_on_the_page(client, world):
    activity = ActivityFactory(committee=world.a, capacity=1, title="义诊进社区")
    client.force_login(world.member_user)
    response = client.post(signup_url(activity), follow=True)
    assert "You are signed up for “义诊进社区”." in response.content.decode()
    assert states(activity) == [("郑优芳", SignupState.REGISTERED)]
    response = client.post(cancel_url(activity), follow=True)
    assert "Your sign-up is cancelled." in response.content.decode()
    assert states(activity) == [("郑优芳", SignupState.CANCELLED)]
    assert signed_up(activity) == 0


def test_a_full_activity_tells_the_member_their_place_in_the_queue(client, world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    attendance.signup(activity=activity, member=members(world, 1)[0])
    client.force_login(world.member_user)
    response = client.post(signup_url(activity), follow=True)
    assert "you are number 1 on the waiting list" in response.content.decode()


def test_a_refused_sign_up_is_a_message_and_nothing_is_written(client, world):
    activity = ActivityFactory(committee=world.a, status=ActivityStatus.PLANNED)
    client.force_login(world.member_user)
    response = client.post(signup_url(activity), follow=True)
    assert "This activity is not open for sign-up." in response.content.decode()
    assert not ActivitySignup.objects.exists()


def test_signing_up_needs_a_post_and_a_login(client, world):
    activity = ActivityFactory(committee=world.a)
    response = client.post(signup_url(activity))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(world.member_user)
    assert client.get(signup_url(activity)).status_code == 405
    assert not ActivitySignup.objects.exists()


def test_an_account_without_a_member_record_gets_not_found(client, world):
    activity = ActivityFactory(committee=world.a)
    client.force_login(world.secretary_a)
    assert client.post(signup_url(activity)).status_code == 404
    assert client.post(cancel_url(activity)).status_code == 404


def test_a_member_who_cannot_read_the_activity_gets_not_found(client, world):
    activity = ActivityFactory(committee=world.b)
    client.force_login(world.member_user)
    assert client.post(signup_url(activity)).status_code == 404
    assert not ActivitySignup.objects.exists()


def test_the_next_parameter_only_goes_back_to_this_site(client, world):
    activity = ActivityFactory(committee=world.a)
    client.force_login(world.member_user)
    mine = reverse("activities:my-activities")
    assert client.post(signup_url(activity), {"next": mine})["Location"] == mine
    response = client.post(cancel_url(activity), {"next": "https://evil.example/"})
    assert response["Location"] == activity.get_absolute_url()


def test_the_list_shows_registered_then_waiting_with_names_only(client, world):
    activity = ActivityFactory(committee=world.a, capacity=2)
    world.a_member.mobile = "13812345678"
    world.a_member.save()
    for m in [world.a_member, *members(world, 3)]:
        attendance.signup(activity=activity, member=m)
    client.force_login(world.secretary_a)
    page = client.get(list_url(activity)).content.decode()
    assert "2 signed up, 2 on the waiting list." in page
    order = ["郑优芳", "党员0", "党员1", "waiting no. 1", "党员2", "waiting no. 2"]
    assert [page.index(text) for text in order] == sorted(page.index(text) for text in order)
    assert "13812345678" not in page and "5678" not in page


def test_the_committee_cancels_a_sign_up_from_the_list(client, world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    first, second = members(world, 2)
    signup = attendance.signup(activity=activity, member=first)
    attendance.signup(activity=activity, member=second)
    client.force_login(world.secretary_a)
    response = client.post(cancel_url(activity), {"signup": signup.pk}, follow=True)
    assert "The sign-up of 党员0 is cancelled." in response.content.decode()
    assert states(activity) == [("党员0", SignupState.CANCELLED), ("党员1", SignupState.REGISTERED)]


def test_a_member_cannot_cancel_someone_elses_sign_up(client, world):
    activity = ActivityFactory(committee=world.a)
    other = attendance.signup(activity=activity, member=members(world, 1)[0])
    attendance.signup(activity=activity, member=world.a_member)
    client.force_login(world.member_user)
    assert client.post(cancel_url(activity), {"signup": other.pk}).status_code == 403
    assert ActivitySignup.objects.get(pk=other.pk).state == SignupState.REGISTERED


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("secretary_a", 200), ("secretary_b", 404),
     ("branch_secretary", 403), ("member", 403)],
)
def test_the_list_is_the_committees(client, world, persona, status):
    activity = ActivityFactory(committee=world.a)
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)
    assert client.get(list_url(activity)).status_code == status


def test_the_list_needs_a_login(client, world):
    activity = ActivityFactory(committee=world.a)
    assert client.get(list_url(activity)).status_code == 302


def test_another_committees_secretary_cannot_cancel_from_the_list(client, world):
    activity = ActivityFactory(committee=world.a)
    signup = attendance.signup(activity=activity, member=world.a_member)
    client.force_login(world.secretary_b)
    assert client.post(cancel_url(activity), {"signup": signup.pk}).status_code == 404
    assert ActivitySignup.objects.get(pk=signup.pk).state == SignupState.REGISTERED


def test_the_list_spends_the_same_queries_at_two_sizes(client, world, django_assert_num_queries):
    activity = ActivityFactory(committee=world.a, capacity=10)
    people = members(world, 30)
    client.force_login(world.secretary_a)
    # user, scope (2), activity, can_write, counts, page count, page rows
    expected = 6 + session_queries()
    for m in people[:3]:
        attendance.signup(activity=activity, member=m)
    with django_assert_num_queries(expected):
        assert client.get(list_url(activity)).status_code == 200
    for m in people[3:]:
        attendance.signup(activity=activity, member=m)
    with django_assert_num_queries(expected):
        page = client.get(list_url(activity)).content.decode()
    assert "10 signed up, 20 on the waiting list." in page


def test_a_user_without_a_member_record_sees_no_sign_up_button(world):
    staff = UserFactory(username="staff_only")
    activity = ActivityFactory(committee=world.a)
    assert attendance.people_panel(staff, activity) is None
