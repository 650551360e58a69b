"""Check-in (报到) over its whole life: who may ask, the member withdrawing a waiting one, the
committee ending a confirmed one with a reason, and the history the member and the secretaries
see. (Asking, confirming and returning: ``test_checkins.py``.)"""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import BranchKind
from members import checkins
from members.checkins import poster_token
from members.models import CheckIn, CheckInStatus, EndReason, InServiceGroup
from tests.factories import BranchFactory, CommitteeFactory, MemberFactory, UserFactory


def in_service_member(committee, name="李在职", **kwargs):
    """A member whose membership stays with their employer (outside the district)."""
    return MemberFactory(committee=committee, branch=None, name=name, category="in_service",
                         outside_organisation="运城市第一医院党委", **kwargs)


def confirmed(member, committee, **kwargs):
    return CheckIn.objects.create(member=member, committee=committee,
                                  status=CheckInStatus.CONFIRMED,
                                  started_on=date(2025, 3, 1), **kwargs)


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- who may ask --------------------------------------------------------------------------

def test_a_member_of_the_committees_own_branch_is_told_so_and_nothing_is_written(client, world):
    client.force_login(world.member_user)  # 郑优芳: membership in A's residents' branch
    response = client.post(reverse("members:my-checkin"), {"committee": world.a.pk})
    assert response.status_code == 302 and response.url == reverse("members:me")
    message = flashed(response)
    assert "无需向该社区报到" in message and world.a_branch.name in message
    assert not CheckIn.objects.exists()


def test_the_poster_path_shows_the_same_refusal(client, world):
    client.force_login(world.member_user)
    response = client.post(reverse("members:checkin-scan", args=[poster_token(world.a)]),
                           follow=True)
    assert "无需向该社区报到" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_service_refuses_in_chinese(world):
    with pytest.raises(ValidationError) as refused:
        checkins.checkin_request(member=world.a_member, committee=world.a)
    assert "无需向该社区报到" in refused.value.messages[0]


def test_a_resident_units_members_check_in_where_they_live(world):
    # The unit's party organisation is kept by A but not owned by it: its members may check in.
    organisation = BranchFactory(committee=world.a, kind=BranchKind.UNIT, unit=world.unit,
                                 name="运城市第一医院党委")
    doctor = MemberFactory(committee=world.a, branch=organisation, name="王医生")
    checkin = checkins.checkin_request(member=doctor, committee=world.a)
    assert checkin.status == CheckInStatus.PENDING


def test_a_waiting_check_in_points_to_my_page_which_offers_to_withdraw_it(client, world):
    client.force_login(world.member_user)
    client.post(reverse("members:my-checkin"), {"committee": world.b.pk})
    waiting = CheckIn.objects.get(member=world.a_member)
    elsewhere = CommitteeFactory(district=world.district, name="潞村社区")
    response = client.post(reverse("members:checkin-scan", args=[poster_token(elsewhere)]),
                           follow=True)
    page = response.content.decode()
    assert "请先在“我的”页面撤回" in page and world.b.name in page
    assert reverse("members:checkin-withdraw", args=[waiting.pk]) in page
    assert CheckIn.objects.filter(member=world.a_member).count() == 1


# --- withdrawing --------------------------------------------------------------------------

@pytest.fixture
def waiting(world):
    return CheckIn.objects.create(member=world.a_member, committee=world.b)


def withdraw_url(checkin):
    return reverse("members:checkin-withdraw", args=[checkin.pk])


def test_a_member_withdraws_a_waiting_check_in_after_confirming(client, world, waiting):
    client.force_login(world.member_user)
    question = client.get(withdraw_url(waiting))
    assert question.status_code == 200 and world.b.name in question.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.PENDING  # asking changed nothing

    response = client.post(withdraw_url(waiting))
    assert response.status_code == 302 and response.url == reverse("members:me")
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.WITHDRAWN and waiting.decided_at is not None
    me = client.get(reverse("members:me")).content.decode()
    assert "已撤回" in me and "撤回报到" not in me
    # Withdrawn, the member may check in elsewhere at once.
    client.post(reverse("members:my-checkin"), {"committee": world.b.pk})
    assert CheckIn.objects.filter(member=world.a_member, status="pending").count() == 1


def test_another_members_check_in_is_not_found(client, world):
    stranger = in_service_member(world.b, user=UserFactory(username="stranger"))
    theirs = CheckIn.objects.create(member=stranger, committee=world.b)
    client.force_login(world.member_user)
    assert client.get(withdraw_url(theirs)).status_code == 404
    assert client.post(withdraw_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == CheckInStatus.PENDING


@pytest.mark.parametrize("persona", ["secretary_b", "officer"])
def test_staff_cannot_withdraw_for_the_member(client, world, waiting, persona):
    client.force_login(getattr(world, persona))
    assert client.post(withdraw_url(waiting)).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.PENDING


def test_withdrawing_needs_a_login(client, world, waiting):
    response = client.post(withdraw_url(waiting))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_confirmed_check_in_cannot_be_withdrawn(client, world):
    checkin = confirmed(world.a_member, world.b)
    client.force_login(world.member_user)
    response = client.post(withdraw_url(checkin))
    assert response.status_code == 302
    assert "只有等待确认的报到才能撤回" in flashed(response)
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.CONFIRMED


def test_the_service_refuses_someone_elses_check_in(world, waiting):
    other = in_service_member(world.b)
    with pytest.raises(ValidationError):
        checkins.checkin_withdraw(checkin=waiting, member=other)
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.PENDING


# --- ending -------------------------------------------------------------------------------

@pytest.fixture
def resident(world):
    """An in-service member checked in to A."""
    member = in_service_member(world.a)
    return confirmed(member, world.a)


def end_url(checkin):
    return reverse("members:checkin-end", args=[checkin.pk])


def test_the_secretary_ends_a_confirmed_check_in_with_a_reason(client, world, resident):
    client.force_login(world.secretary_a)
    form = client.get(end_url(resident))
    assert form.status_code == 200 and "迁出本社区" in form.content.decode()
    response = client.post(end_url(resident), {"reason": "moved_away", "note": "搬至盐湖区外"})
    assert response.status_code == 302
    assert response.url == reverse("members:in-service", args=[world.a.pk])
    resident.refresh_from_db()
    assert resident.status == CheckInStatus.ENDED
    assert resident.ended_on == timezone.localdate()
    assert (resident.end_reason, resident.end_note) == (EndReason.MOVED_AWAY, "搬至盐湖区外")


def test_ending_needs_a_reason(client, world, resident):
    client.force_login(world.secretary_a)
    response = client.post(end_url(resident), {"reason": "", "note": ""})
    assert response.status_code == 400
    assert "请说明结束报到的原因" in response.content.decode()
    resident.refresh_from_db()
    assert resident.status == CheckInStatus.CONFIRMED


def test_other_needs_a_note(client, world, resident):
    client.force_login(world.secretary_a)
    response = client.post(end_url(resident), {"reason": "other", "note": " "})
    assert response.status_code == 400
    assert "请在备注中说明结束报到的原因" in response.content.decode()
    resident.refresh_from_db()
    assert resident.status == CheckInStatus.CONFIRMED
    client.post(end_url(resident), {"reason": "other", "note": "长期在外地工作"})
    resident.refresh_from_db()
    assert (resident.status, resident.end_note) == (CheckInStatus.ENDED, "长期在外地工作")


def test_an_unknown_reason_is_refused(world, resident):
    with pytest.raises(ValidationError):
        checkins.checkin_end(checkin=resident, user=world.secretary_a, reason="bored", note="")
    resident.refresh_from_db()
    assert resident.status == CheckInStatus.CONFIRMED


@pytest.mark.parametrize("status", ["pending", "returned", "withdrawn", "ended"])
def test_only_a_confirmed_check_in_can_be_ended(client, world, status):
    member = in_service_member(world.a)
    checkin = CheckIn.objects.create(
        member=member, committee=world.a, status=status,
        return_reason="不在本社区居住" if status == "returned" else "",
        end_reason="moved_away" if status == "ended" else "",
    )
    client.force_login(world.secretary_a)
    response = client.post(end_url(checkin), {"reason": "died"})
    assert response.status_code == 400
    assert "只有已确认的报到才能结束" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.status == status


@pytest.mark.parametrize(("persona", "status"), [
    ("secretary_b", 404), ("branch_secretary", 404), ("member_user", 404),
])
def test_another_committee_cannot_end_it(client, world, resident, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(end_url(resident)).status_code == status
    assert client.post(end_url(resident), {"reason": "died"}).status_code == status
    resident.refresh_from_db()
    assert resident.status == CheckInStatus.CONFIRMED


@pytest.mark.parametrize("persona", ["secretary_a", "branch_secretary"])
def test_those_who_hold_the_members_record_do_not_end_a_check_in_elsewhere(
    client, world, persona
):
    # 郑优芳's committee and branch secretary hold her record (and read her check-ins), but
    # she checked in to B: ending it is B's.
    checkin = confirmed(world.a_member, world.b)
    client.force_login(getattr(world, persona))
    assert client.post(end_url(checkin), {"reason": "died"}).status_code == 404
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.CONFIRMED


def test_ending_needs_a_login(client, world, resident):
    response = client.get(end_url(resident))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_ending_the_leaders_check_in_leaves_the_group_without_a_leader(world, resident):
    group = InServiceGroup.objects.create(committee=world.a, name="1号楼小组",
                                          leader=resident.member)
    resident.group = group
    resident.save()
    checkins.checkin_end(checkin=resident, user=world.secretary_a, reason="left_the_party")
    group.refresh_from_db()
    assert group.leader is None


def test_moving_house_ends_the_old_check_in_as_moved_away(world):
    old = confirmed(world.a_member, world.b)
    checkins.checkin_request(member=world.a_member,
                             committee=CommitteeFactory(district=world.district))
    old.refresh_from_db()
    assert (old.status, old.end_reason) == (CheckInStatus.ENDED, EndReason.MOVED_AWAY)


# --- history --------------------------------------------------------------------------------

@pytest.fixture
def history(world):
    c = CommitteeFactory(district=world.district, name="广场社区")
    CheckIn.objects.create(member=world.a_member, committee=c, status="returned",
                           return_reason="地址不在本社区")
    CheckIn.objects.create(member=world.a_member, committee=c, status="withdrawn")
    CheckIn.objects.create(member=world.a_member, committee=world.b, status="ended",
                           started_on=date(2024, 1, 5), ended_on=date(2025, 6, 30),
                           end_reason="other", end_note="长期在外地工作")
    return CheckIn.objects.create(member=world.a_member, committee=world.b)


def test_the_member_sees_the_whole_history_and_can_withdraw_the_waiting_one(
    client, world, history
):
    client.force_login(world.member_user)
    page = client.get(reverse("members:me")).content.decode()
    for text in ("广场社区", "已退回", "地址不在本社区", "已撤回", "已结束", "2024-01-05",
                 "2025-06-30", "结束原因", "长期在外地工作", "等待确认"):
        assert text in page, text
    assert page.count('data-testid="checkin-row"') == 4
    assert reverse("members:checkin-withdraw", args=[history.pk]) in page


def test_the_member_page_of_the_record_shows_the_history_too(client, world, history):
    client.force_login(world.secretary_a)
    page = client.get(world.a_member.get_absolute_url()).content.decode()
    assert page.count('data-testid="checkin-row"') == 4
    assert "长期在外地工作" in page and "地址不在本社区" in page
    # Withdrawing is the member's own: the record's page has no such button.
    assert reverse("members:checkin-withdraw", args=[history.pk]) not in page
