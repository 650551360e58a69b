"""Joint party lectures and organisational life (共同上党课、一道过组织生活): the committee
invites branches, their members are expected, each branch may adopt the meeting, and an adopted
meeting counts toward the branch's own 三会一课 when one of its members attended, shown as held
"jointly, with the community" on its calendar."""

import html
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import BranchKind, CommitteeMembership
from meetings import compliance, joint, services
from meetings.compliance import HELD, MISSING
from meetings.models import JointInvitation, Meeting, MeetingAttendance
from tests.conftest import session_queries
from tests.factories import BranchFactory, MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db

LECTURE_MONTH = 3  # the joint lecture is held in March 2026: the first quarter's lecture
TODAY = date(2026, 7, 15)  # the second quarter is due, the third is not


def local(*args):
    return timezone.make_aware(datetime(*args))


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def org(world):
    """A unit's party organisation, a member organisation of committee A."""
    branch = BranchFactory(committee=world.b, kind=BranchKind.UNIT, unit=world.unit,
                           name="运城市第一医院党支部")
    CommitteeMembership.objects.create(committee=world.a, branch=branch,
                                       joined_on=date(2020, 1, 1))
    return branch


@pytest.fixture
def lecture(world):
    return MeetingFactory(committee=world.a, kind="joint_lecture", title="共同上党课",
                          status="held", starts_at=local(2026, LECTURE_MONTH, 12, 15))


def invite(meeting, *branches, user=None):
    return joint.joint_invite(meeting=meeting, branches=branches, user=user)


def attend(meeting, member, status="present"):
    MeetingAttendance.objects.filter(meeting=meeting, member=member).update(
        status=status, reason="病假" if status == "leave" else "")


def adopt(meeting, branch, user=None):
    return joint.joint_adopt(
        invitation=JointInvitation.objects.get(meeting=meeting, branch=branch), user=user)


def lecture_cells(branch):
    rows = compliance.compliance_grid(branch=branch, year=2026, today=TODAY)
    row = next(r for r in rows if r.kind == "lecture")
    return row.cells


# --- inviting ----------------------------------------------------------------------------------

def test_invited_branches_members_are_expected_at_the_meeting(world, lecture, org):
    retiree = MemberFactory(committee=world.a, branch=world.a_retirees)
    doctor = MemberFactory(committee=world.b, branch=org)

    invite(lecture, world.a_branch, world.a_retirees, org, user=world.secretary_a)

    expected = set(MeetingAttendance.objects.filter(meeting=lecture)
                   .values_list("member_id", flat=True))
    assert {world.a_member.pk, retiree.pk, doctor.pk} <= expected
    assert JointInvitation.objects.filter(meeting=lecture).count() == 3


def test_a_branch_no_longer_invited_loses_its_members_not_yet_recorded(world, lecture):
    retiree = MemberFactory(committee=world.a, branch=world.a_retirees)
    invite(lecture, world.a_branch, world.a_retirees)

    invite(lecture, world.a_branch)

    members = set(MeetingAttendance.objects.filter(meeting=lecture)
                  .values_list("member_id", flat=True))
    assert retiree.pk not in members and world.a_member.pk in members
    assert list(JointInvitation.objects.filter(meeting=lecture)
                .values_list("branch_id", flat=True)) == [world.a_branch.pk]


def test_a_branch_that_adopted_the_meeting_stays_invited(world, lecture):
    invite(lecture, world.a_branch, world.a_retirees)
    adopt(lecture, world.a_retirees)

    with pytest.raises(ValidationError, match="adopted this meeting and stays invited"):
        invite(lecture, world.a_branch)
    assert JointInvitation.objects.filter(meeting=lecture).count() == 2


def test_only_a_joint_lecture_or_organisational_life_invites_branches(world):
    monthly = MeetingFactory(committee=world.a, kind="monthly")
    with pytest.raises(ValidationError, match="invites branches"):
        invite(monthly, world.a_branch)
    assert not JointInvitation.objects.exists()


def test_another_committees_branch_cannot_be_invited(world, lecture):
    with pytest.raises(ValidationError) as refused:
        invite(lecture, world.a_branch, world.b_branch)
    assert "Choose branches of 学苑社区" in str(refused.value)
    assert not JointInvitation.objects.exists()  # nothing written


def test_a_party_group_is_not_invited_its_branch_is(world, lecture):
    with pytest.raises(ValidationError):
        invite(lecture, world.a_group)


def test_a_joint_meeting_with_invited_branches_keeps_its_kind(world, lecture):
    invite(lecture, world.a_branch)
    lecture.kind = "committee_work"
    with pytest.raises(ValidationError, match="keeps its kind"):
        services.meeting_save(meeting=lecture, user=world.secretary_a)
    assert Meeting.objects.get(pk=lecture.pk).kind == "joint_lecture"


def test_adopting_twice_is_refused(world, lecture):
    invite(lecture, world.a_branch)
    invitation = adopt(lecture, world.a_branch, user=world.branch_secretary)
    assert invitation.adopted_by == world.branch_secretary and invitation.adopted_at
    with pytest.raises(ValidationError, match="already adopted"):
        adopt(lecture, world.a_branch)


# --- counting ----------------------------------------------------------------------------------

def test_an_adopted_joint_lecture_a_member_attended_counts_as_the_branchs_lecture(
        world, lecture):
    invite(lecture, world.a_branch)
    attend(lecture, world.a_member)
    assert lecture_cells(world.a_branch)[0].state == MISSING  # not adopted: not the branch's

    adopt(lecture, world.a_branch)

    cells = lecture_cells(world.a_branch)
    assert [c.state for c in cells[:3]] == [HELD] * 3  # the first quarter is held
    march = cells[LECTURE_MONTH - 1]
    assert (march.count, march.joint) == (1, 1)
    assert march.joint_label == "jointly, with the community"
    assert cells[3].state == MISSING  # the second quarter had no lecture


def test_an_adopted_joint_lecture_none_of_the_branchs_members_attended_does_not_count(
        world, lecture):
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    attend(lecture, world.a_member, "leave")  # on leave: still nobody of the branch came

    assert lecture_cells(world.a_branch)[LECTURE_MONTH - 1].state == MISSING


def test_late_counts_as_attended(world, lecture):
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    attend(lecture, world.a_member, "late")
    assert lecture_cells(world.a_branch)[LECTURE_MONTH - 1].state == HELD


def test_a_planned_joint_lecture_counts_for_nobody(world, lecture):
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    attend(lecture, world.a_member)
    Meeting.objects.filter(pk=lecture.pk).update(status="planned")
    assert lecture_cells(world.a_branch)[LECTURE_MONTH - 1].state == MISSING


def test_joint_organisational_life_counts_as_the_organisational_life_meeting(world):
    org_life = MeetingFactory(committee=world.a, kind="joint_org_life", status="held",
                              starts_at=local(2026, 2, 20, 15))
    invite(org_life, world.a_branch)
    adopt(org_life, world.a_branch)
    attend(org_life, world.a_member)

    rows = compliance.compliance_grid(branch=world.a_branch, year=2026, today=TODAY)
    by_kind = {r.kind: r for r in rows}
    assert by_kind["org_life"].held == 1 and by_kind["org_life"].cells[1].joint == 1
    assert by_kind["lecture"].held == 0


def test_each_adopting_branch_counts_it_only_by_its_own_members(world, lecture, org):
    doctor = MemberFactory(committee=world.b, branch=org)
    retiree = MemberFactory(committee=world.a, branch=world.a_retirees)
    invite(lecture, world.a_branch, world.a_retirees, org)
    for branch in (world.a_branch, world.a_retirees, org):
        adopt(lecture, branch)
    attend(lecture, world.a_member)
    attend(lecture, doctor)
    attend(lecture, retiree, "absent")

    own, branches, orgs = compliance.committee_grids(world.a, year=2026, today=TODAY)
    lecture_held = {b.pk: next(r for r in rows if r.kind == "lecture").held
                    for b, rows in branches + orgs}
    assert lecture_held == {world.a_branch.pk: 1, world.a_retirees.pk: 0, org.pk: 1}


def test_the_district_table_counts_an_adopted_joint_lecture(world, lecture):
    before = compliance.district_compliance(world.district, 2026, today=TODAY)
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    attend(lecture, world.a_member)

    after = compliance.district_compliance(world.district, 2026, today=TODAY)
    a_before, a_after = (next(c for c in t if c.committee == world.a) for t in (before, after))
    assert a_after.branch_missing == a_before.branch_missing - 1


def test_the_committees_own_calendar_owes_no_joint_lecture(world, lecture):
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=TODAY)
    assert [r.kind for r in rows] == ["monthly"]


def test_a_grid_stays_one_query_with_joint_meetings(world, django_assert_num_queries):
    def grid():
        # the meetings and the joint ones (one UNION ALL); whether the branch has party groups
        with django_assert_num_queries(2):
            return compliance.compliance_grid(branch=world.a_branch, year=2026, today=TODAY)

    grid()
    for month in range(1, 6):
        meeting = MeetingFactory(committee=world.a, kind="joint_lecture", status="held",
                                 starts_at=local(2026, month, 12, 15))
        invite(meeting, world.a_branch)
        adopt(meeting, world.a_branch)
        attend(meeting, world.a_member)
    rows = grid()
    assert next(r for r in rows if r.kind == "lecture").held == 2


def test_committee_grids_and_the_district_table_keep_their_query_counts(world, lecture):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def spent():
        with CaptureQueriesContext(connection) as grids:
            compliance.committee_grids(world.a, year=2026, today=TODAY)
        with CaptureQueriesContext(connection) as table:
            compliance.district_compliance(world.district, 2026, today=TODAY)
        return len(grids), len(table)

    before = spent()
    assert before[0] <= 3 and before[1] <= 3  # as their docstrings say
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    attend(lecture, world.a_member)
    assert spent() == before


def test_no_lecture_is_missing_this_quarter_once_one_is_held_jointly(world):
    meeting = MeetingFactory(committee=world.a, kind="joint_lecture", status="held",
                             starts_at=local(2026, 6, 2, 15))
    invite(meeting, world.a_branch)
    adopt(meeting, world.a_branch)
    attend(meeting, world.a_member)
    counts = compliance.held_counts(Meeting.objects.all(), 2026,
                                    JointInvitation.objects.all())
    missing = compliance.missing_this_month(
        counts.get(("branch", world.a_branch.pk), {}), ["lecture"], date(2026, 6, 25))
    assert missing == []


# --- pages -------------------------------------------------------------------------------------

def test_the_secretary_invites_branches_on_the_meetings_page(login, world, lecture, org):
    client = login(world.secretary_a)
    url = reverse("meetings:joint-branches", args=[lecture.pk])
    form = text(client.get(url))
    assert "学苑社区居民党支部" in form and "运城市第一医院党支部" in form
    assert "御沁园社区居民党支部" not in form  # another committee's branch is not offered

    response = client.post(url, {"branches": [world.a_branch.pk, org.pk]})

    assert response.status_code == 302 and response.url == lecture.get_absolute_url()
    page = text(client.get(response.url))
    assert "Invited branches saved." in page
    assert "运城市第一医院党支部" in page and "not adopted yet" in page
    assert "counts it as its Party lecture" in page


def test_inviting_a_branch_outside_the_list_is_refused_with_a_message(login, world, lecture):
    response = login(world.secretary_a).post(
        reverse("meetings:joint-branches", args=[lecture.pk]), {"branches": [world.b_branch.pk]})
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not JointInvitation.objects.exists()


def test_a_monthly_meeting_has_no_invitation_page(login, world):
    monthly = MeetingFactory(committee=world.a, kind="monthly")
    response = login(world.secretary_a).get(reverse("meetings:joint-branches", args=[monthly.pk]))
    assert response.status_code == 404


def test_the_branch_secretary_adopts_an_invitation(login, world, lecture):
    invite(lecture, world.a_branch)
    attend(lecture, world.a_member)
    client = login(world.branch_secretary)
    list_url = reverse("meetings:branch-joint-meetings", args=[world.a_branch.pk])
    assert "Count it as our own" in text(client.get(list_url))
    invitation = JointInvitation.objects.get()

    response = client.post(reverse("meetings:joint-adopt", args=[invitation.pk]))

    assert response.status_code == 302 and response.url == list_url
    page = text(client.get(list_url))
    assert "学苑社区居民党支部 counts “共同上党课” as its own." in page
    assert "Adopted on" in page
    calendar = text(client.get(reverse("meetings:branch-compliance", args=[world.a_branch.pk])
                               + "?year=2026"))
    assert "jointly, with the community" in calendar
    invitation.refresh_from_db()
    assert invitation.adopted_by == world.branch_secretary


def test_another_committees_secretary_cannot_adopt(login, world, lecture):
    invite(lecture, world.a_branch)
    invitation = JointInvitation.objects.get()
    response = login(world.secretary_b).post(reverse("meetings:joint-adopt", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert not invitation.adopted


def test_adopting_again_says_so(login, world, lecture):
    invite(lecture, world.a_branch)
    adopt(lecture, world.a_branch)
    client = login(world.branch_secretary)
    response = client.post(reverse("meetings:joint-adopt",
                                   args=[JointInvitation.objects.get().pk]), follow=True)
    assert "already adopted" in text(response)


def test_a_branch_without_invitations_says_so(login, world):
    page = text(login(world.branch_secretary).get(
        reverse("meetings:branch-joint-meetings", args=[world.a_branch.pk])))
    assert "has not been invited to a joint meeting yet" in page


def test_the_invitations_list_pages_and_its_queries_do_not_grow(
        login, world, django_assert_num_queries):
    client = login(world.branch_secretary)
    url = reverse("meetings:branch-joint-meetings", args=[world.a_branch.pk])
    for n in (2, 30):
        JointInvitation.objects.all().delete()
        for i in range(n):
            meeting = MeetingFactory(committee=world.a, kind="joint_lecture", title=f"党课{i}",
                                     starts_at=local(2026, 1 + i % 12, 1 + i % 27, 15))
            JointInvitation.objects.create(meeting=meeting, branch=world.a_branch)
        # session, user, scope (roles, member), branch, count, page
        with django_assert_num_queries(session_queries() + 5):
            response = client.get(url)
        assert len(response.context["page"].object_list) == min(n, 25)
