"""The demo tells the 2019 report's story, and every figure of it is a record.

The full demo is seeded once for this module (about ten seconds) and removed after it; each
test reads it inside its own transaction.
"""

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from stdnum.cn import ric

from activities.models import Activity, Attendance, Funding, ServiceTeam
from branches.models import Branch, CommitteeMembership
from committees.models import Committee, District, Venue
from core.models import RoleAssignment
from meetings.models import AgendaItem, Matter, Meeting, Visit
from members.models import CheckIn, InServiceGroup, Member
from overview.selectors import district_totals
from units.models import ListKind, Project, Resource, ResourceStatus, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", force=True, verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


def confirmed():
    return CheckIn.objects.filter(status="confirmed")


def total(lines):
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)


# --- 1.1万余 members, 3000余 in service, 18 committees of their own shapes ------------------

def test_more_than_11000_members_and_more_than_3000_in_service_members_checked_in():
    assert 11_000 < Member.objects.count() < 12_000  # 1.1万余
    assert 3_000 < confirmed().count() < 4_000  # 3000余
    assert not confirmed().exclude(member__category="in_service").exists()


def test_every_id_number_is_valid_whole_and_unique():
    numbers = list(Member.objects.values_list("id_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # check digit, birth date, and a place code in use in the year of birth
    assert all(ric.is_valid(number) for number in numbers)
    genders = Member.objects.values_list("id_number", "gender")
    assert all((int(n[16]) % 2 == 1) == (g == "M") for n, g in genders)


def test_eighteen_committees_differ_in_size_and_shape():
    committees = Committee.objects.annotate(
        size=Count("members"),
        retirees=Count("members", filter=Q(members__category="retired_cadre")),
        traders=Count("members", filter=Q(members__category="small_business")),
        working=Count("members", filter=Q(members__category="in_service")),
    )
    assert committees.count() == 18
    sizes = [c.size for c in committees]
    assert len(set(sizes)) >= 15 and max(sizes) >= 4 * min(sizes)
    assert any(c.retirees / c.size > 0.4 for c in committees)  # old work units' housing
    assert any(c.traders / c.size > 0.3 for c in committees)  # the commercial centre
    assert any(c.working / c.size > 0.45 for c in committees)  # new estates
    assert max(committees, key=lambda c: c.traders).name == "解放路社区"


def test_names_are_realistic_and_distinct_within_a_committee():
    for committee in Committee.objects.all():
        names = list(Member.objects.filter(committee=committee).values_list("name", flat=True))
        assert len(set(names)) > 0.9 * len(names), committee
        if len(names) >= 600:
            assert len(set(names)) >= 550, committee  # hundreds of different people
    names = list(Member.objects.values_list("name", flat=True))
    single = sum(len(n) == 2 for n in names) / len(names)  # 王芳: a one-character given name
    assert 0.1 < single < 0.4
    surnames = Counter(n[0] for n in names)
    assert {"王", "李", "张"} <= {s for s, _ in surnames.most_common(5)}
    assert len(surnames) > 80


# --- the organisations ----------------------------------------------------------------------

def test_membership_is_a_branch_never_a_party_group():
    assert not Member.objects.filter(branch__parent__isnull=False).exists()
    assert not Member.objects.exclude(party_group__isnull=True).exclude(
        party_group__parent=F("branch")).exists()


def test_in_service_members_hold_membership_with_their_employer():
    in_service = Member.objects.filter(category="in_service")
    assert not in_service.filter(branch__kind__in=["residents", "retirees"]).exists()
    at_units = in_service.filter(branch__isnull=False)
    assert at_units.exists() and not at_units.exclude(branch__unit=F("employer_unit")).exists()
    outside = in_service.filter(branch__isnull=True)
    assert outside.exists() and not outside.filter(Q(outside_organisation="")
                                                   | Q(employer_name="")).exists()


def test_no_one_is_checked_in_where_their_branch_is():
    assert not confirmed().filter(
        member__branch__committee=F("committee"),
        member__branch__kind__in=["residents", "retirees"],
    ).exists()
    # nor where their unit's organisation is a member organisation: they are there already
    member_organisation = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(),
        committee=OuterRef("committee"), branch=OuterRef("member__branch"),
    )
    assert not confirmed().filter(Exists(member_organisation)).exists()
    assert confirmed().filter(member__branch__isnull=False).exists()


def test_each_unit_organisation_exists_once_and_joins_several_committees():
    for unit in Unit.objects.all():
        assert Branch.objects.filter(unit=unit, parent__isnull=True).count() == 1, unit
    organisations = Branch.objects.filter(kind="unit").annotate(
        committees=Count("memberships", filter=CommitteeMembership.current_q("memberships__")))
    assert all(org.committees >= 1 for org in organisations)
    assert sum(org.committees >= 2 for org in organisations) >= 5
    assert any(org.committees == 3 for org in organisations)
    plaza = organisations.get(unit__name="新象城商业广场")
    assert set(plaza.memberships.values_list("committee__name", flat=True)) == {
        "学苑社区", "禹西社区"}
    for committee in Committee.objects.all():
        assert committee.organisation_memberships.count() >= 2, committee


def test_in_service_members_are_grouped_by_building_with_leaders():
    groups = InServiceGroup.objects.annotate(n=Count("checkins"))
    split = Counter(g.committee.name for g in groups)
    assert split["广场社区"] == 3 and split["学苑社区"] == 3
    for group in groups:
        assert group.n and group.leader is not None, group
        assert confirmed().filter(group=group, member=group.leader).exists(), group
    # every confirmed check-in is in a group of its committee
    assert not confirmed().filter(
        Q(group__isnull=True) | ~Q(group__committee=F("committee"))).exists()


def test_the_districts_branches_are_branches_only():
    district = District.objects.get(name="盐湖区")
    totals = district_totals(district)
    assert totals.branches == Branch.objects.filter(parent__isnull=True).count() == 18 * 2 + 21
    assert totals.groups == Branch.objects.filter(parent__isnull=False).count()
    # party groups have a leader and no term; branches have terms
    groups = Branch.objects.filter(parent__isnull=False)
    assert not groups.filter(Q(term_start__isnull=False) | Q(term_end__isnull=False)).exists()
    assert not groups.filter(secretary__isnull=True).exists()


# --- 学苑: its premises and the National Day gala -------------------------------------------

def test_xueyuan_pooled_80000_yuan_and_renovated_its_premises():
    project = Project.objects.get(committee__name="学苑社区", need__kind=ListKind.VENUE,
                                  title__contains="阵地建设")
    lines = Funding.objects.filter(project=project)
    assert Decimal(80_000) < total(lines) < Decimal(90_000)  # 8万余
    assert {"community", "unit", "government"} <= set(lines.values_list("source", flat=True))
    partners = Unit.objects.filter(
        branches__memberships__committee__name="学苑社区").values_list("pk", flat=True)
    assert set(lines.filter(source="unit").values_list("unit", flat=True)) <= set(partners)
    # pooled at its committee work meeting and its joint meeting, before the money came in
    matter = Matter.objects.get(committee__name="学苑社区", kind="proposal",
                                title__contains="装修")
    meetings = Meeting.objects.filter(agenda__matter=matter)
    assert set(meetings.values_list("kind", flat=True)) == {"committee_work", "joint"}
    first_line = lines.order_by("date").first().date
    assert all(m.starts_at.date() < first_line for m in meetings)
    joint = meetings.get(kind="joint")
    assert set(joint.units.values_list("pk", flat=True)) == set(partners)
    # money is counted once: no funds resource used or committed for the same yuan
    assert not Resource.objects.filter(
        committee__name="学苑社区", kind=ListKind.FUNDS,
        status__in=[ResourceStatus.USED, ResourceStatus.COMMITTED]).exists()


def test_the_national_day_gala_is_held_by_all_the_areas_organisations_at_xinxiangcheng():
    gala = Activity.objects.get(committee__name="学苑社区", title__contains="国庆文艺晚会")
    assert gala.place == "新象城广场" and gala.status == "held"
    xueyuan = gala.committee
    own = Branch.objects.filter(committee=xueyuan, parent__isnull=True,
                                kind__in=["residents", "retirees"])
    members = Branch.objects.filter(memberships__committee=xueyuan)
    assert own.count() == 2 and members.count() == 4
    assert set(gala.branches.all()) == set(own) | set(members)
    units = set(gala.units.all())
    assert units == {org.unit for org in members}
    resources = gala.project.resources.all()
    venue = resources.get(kind=ListKind.VENUE)
    assert venue.unit.name == "新象城商业广场" and "新象城广场" in venue.description
    programmes = resources.filter(description__startswith="节目")
    assert programmes.count() >= 5 and {r.unit for r in programmes} <= units
    assert not resources.filter(kind=ListKind.FUNDS).exists()
    # people from the units: members of their organisations took part
    from_units = Attendance.objects.filter(activity=gala, member__branch__unit__in=units)
    assert from_units.values("member__branch__unit").distinct().count() == len(units)
    assert from_units.count() >= 4 * 20
    # money from the units, as funding lines
    lines = Funding.objects.filter(activity=gala)
    assert set(lines.values_list("source", flat=True)) == {"unit"}
    assert {line.unit for line in lines} == units


# --- 御沁园, 广场, 潞村, 解放路 -----------------------------------------------------------------

def test_yuqinyuans_day_care_centre_is_funded_a_little_from_each_of_four_sources():
    centre = Project.objects.get(committee__name="御沁园社区", title="老年人日间照料中心")
    lines = Funding.objects.filter(project=centre)
    assert set(lines.values_list("source", flat=True)) == {
        "community", "volunteer", "government", "unit"}
    assert Decimal(100_000) < total(lines) < Decimal(200_000)  # 10万余
    givers = lines.filter(source="volunteer")
    names = set(Member.objects.filter(committee=centre.committee).values_list("name", flat=True))
    assert givers.count() >= 20 and set(givers.values_list("donor", flat=True)) <= names
    assert Venue.objects.filter(committee=centre.committee, name__contains="日间照料").exists()


def test_guangchangs_900_members_volunteered_over_several_clean_ups():
    cleanups = Activity.objects.filter(committee__name="广场社区", category="文明城市创建")
    assert cleanups.count() >= 5
    attendance = Attendance.objects.filter(activity__in=cleanups)
    assert attendance.values("member").distinct().count() > 900  # 900余
    assert not attendance.exclude(member__committee__name="广场社区").exists()
    largest = cleanups.annotate(n=Count("attendances")).order_by("-n").first().n
    assert largest < 400


def test_lucuns_three_rooms_are_built_with_their_units_and_each_has_a_study_leader():
    rooms = Venue.objects.filter(committee__name="潞村社区", unit__isnull=False)
    assert rooms.count() == 3
    leaders = set()
    for room in rooms:
        project = Project.objects.get(committee=room.committee, title__contains=room.name)
        assert project.status == "done" and project.need.status == "met"
        assert list(project.units.all()) == [room.unit]
        assert Funding.objects.filter(project=project, unit=room.unit).exists()
        study = Meeting.objects.filter(venue=room, kind="group")
        assert study.count() >= 3
        groups = set(study.values_list("branch", flat=True))
        assert len(groups) == 1
        group = Branch.objects.get(pk=groups.pop())
        assert group.parent.kind == "residents" and group.parent.committee == room.committee
        assert group.secretary is not None
        assert set(study.values_list("chair", flat=True)) == {group.secretary.name}
        leaders.add(group.secretary_id)
    assert len(leaders) == 3


def test_jiefanglus_disputes_are_met_on_the_spot_by_its_small_business_members():
    disputes = Matter.objects.filter(committee__name="解放路社区", kind="dispute")
    assert disputes.count() >= 4
    # One went beyond the community: escalated to the street; the rest settled that day.
    escalated = disputes.get(status="escalated")
    assert escalated.outcome == "escalated" and escalated.risk_flag
    on_the_spot = disputes.exclude(pk=escalated.pk)
    assert not on_the_spot.exclude(status="resolved", resolved_on=F("raised_on")).exists()
    assert not on_the_spot.exclude(outcome="on_the_spot").exists()
    assert not on_the_spot.exclude(mediator__category="small_business").exists()
    assert not on_the_spot.exclude(mediator=F("responsible_member")).exists()
    assert on_the_spot.filter(risk_flag=True).count() >= 2
    assert not disputes.exclude(responsible_member__category="small_business").exists()
    assert not disputes.exclude(responsible_member__committee__name="解放路社区").exists()
    assert disputes.values("responsible_member").distinct().count() >= 3
    assert AgendaItem.objects.filter(matter__in=disputes,
                                     meeting__kind="monthly").count() == disputes.count()


# --- the district's figures --------------------------------------------------------------

def test_more_than_100_volunteer_teams_and_70_percent_of_communities_with_500_square_metres():
    assert ServiceTeam.objects.count() > 100  # 百余
    areas = Committee.objects.annotate(area=Sum("venues__area"))
    assert sum(c.area >= 500 for c in areas) / areas.count() > 0.7


def test_no_figure_of_the_story_is_typed_into_a_text():
    for activity in Activity.objects.exclude(outcome="", description=""):
        assert not re.search(r"\d", activity.outcome + activity.description), activity
    for project in Project.objects.all():
        assert not re.search(r"\d", project.plan), project


def test_the_demo_logins_point_where_they_say():
    member = Member.objects.get(user__username="member")
    assert member.committee.name == "学苑社区" and member.branch.kind == "residents"
    branch = RoleAssignment.objects.get(user__username="branch").branch
    assert branch.name == "学苑社区居民党支部" and branch.secretary is not None
    assert RoleAssignment.objects.get(user__username="liaison").unit.name == "新象城商业广场"
    assert RoleAssignment.objects.get(user__username="xueyuan").committee.name == "学苑社区"


# --- everyone lands on something to do ---------------------------------------------------------

def test_each_demo_login_lands_on_what_waits_for_them(client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="xueyuan"))
    secretary = client.get("/").context
    assert secretary["committees"][0].todos  # something waits at 学苑
    client.force_login(users.get(username="branch"))
    assert client.get("/").context["branches"][0].todos
    client.force_login(users.get(username="member"))
    mine = client.get("/").context["mine"]
    assert mine.meetings and mine.activities and mine.hours > 0


def test_the_demo_is_counted_once_for_the_dashboard():
    from overview.models import FigureCount

    counted = FigureCount.objects.filter(counted_at__isnull=False)
    assert counted.count() == Committee.objects.count() == 18


# --- 共同上党课 and 阵地建设 (issue 17) --------------------------------------------------------

def test_xueyuans_joint_party_lecture_counts_for_the_three_branches_that_adopted_it():
    from meetings import compliance
    from meetings.models import JointInvitation

    lecture = Meeting.objects.get(committee__name="学苑社区", kind="joint_lecture")
    invitations = list(JointInvitation.objects.filter(meeting=lecture).select_related("branch"))
    assert len(invitations) == 3 and all(i.adopted for i in invitations)
    assert {i.branch.kind for i in invitations} >= {"residents", "unit"}
    month = lecture.starts_at.astimezone(compliance.timezone.get_default_timezone()).month
    for invitation in invitations:
        attended = lecture.attendances.filter(member__branch=invitation.branch,
                                              status="present").count()
        assert attended > 0
        rows = compliance.compliance_grid(branch=invitation.branch,
                                          year=lecture.starts_at.year)
        cell = next(r for r in rows if r.kind == "lecture").cells[month - 1]
        assert cell.state == "held" and cell.joint == 1, invitation.branch


def test_xueyuans_renovated_premises_were_paid_by_more_than_80000_yuan_of_lines():
    from activities.models import VenueImprovement

    renovation = VenueImprovement.objects.get(venue__committee__name="学苑社区",
                                              kind="renovation")
    lines = Funding.objects.filter(improvement_payment__improvement=renovation)
    assert 80_000 < total(lines) < 90_000  # 统筹资金8万余元
    assert lines.filter(source="unit").values("unit").distinct().count() == 4
    assert renovation.area_change == 0


def test_lucuns_rooms_are_kept_by_their_group_leaders_and_were_built_as_new_rooms():
    rooms = Venue.objects.filter(committee__name="潞村社区", unit__isnull=False)
    assert rooms.count() == 3
    assert not rooms.filter(keeper__isnull=True).exists()
    for room in rooms:
        built = room.improvements.get(kind="new_room")
        assert built.area_change == room.area
        assert Funding.objects.filter(improvement_payment__improvement=built,
                                      unit=room.unit).exists()
def test_jiefanglus_small_business_members_walk_the_streets_and_raise_what_they_hear():
    visits = Visit.objects.filter(committee__name="解放路社区")
    assert visits.count() >= 10
    assert {"household", "shop"} <= set(visits.values_list("place_kind", flat=True))
    people = Member.objects.filter(visits__in=visits).distinct()
    assert people.count() >= 3
    assert not people.exclude(category="small_business").exists()
    assert not people.exclude(committee__name="解放路社区").exists()
    # each dispute came from a visit its mediator (or the first visitor) made, that day
    disputes = Matter.objects.filter(committee__name="解放路社区", kind="dispute")
    assert not disputes.filter(visit__isnull=True).exists()
    assert not disputes.exclude(visit__visited_on=F("raised_on")).exists()
    assert not disputes.exclude(visit__visitors=F("raised_by_member")).exists()
    # and visits where all was well raised nothing
    assert visits.filter(matters__isnull=True).count() >= 5
    # other communities' resolved matters were deliberated
    others = Matter.objects.exclude(committee__name="解放路社区").filter(status="resolved")
    assert others.exists() and not others.exclude(outcome="deliberated").exists()
def test_every_committee_has_a_year_of_commitments_with_outcomes_and_notes():
    from datetime import date

    from members.models import Commitment, CommitmentNote

    last_year = date.today().year - 1
    reviewed = Commitment.objects.filter(year=last_year)
    per_committee = dict(reviewed.values_list("committee").annotate(n=Count("pk")))
    assert set(per_committee) == set(Committee.objects.values_list("pk", flat=True))
    assert not reviewed.filter(reviewed_at__isnull=True).exists()
    assert set(reviewed.values_list("outcome", flat=True)) == {"kept", "partly", "not_kept"}
    assert not reviewed.exclude(outcome="kept").filter(review_remark="").exists()
    assert CommitmentNote.objects.filter(commitment__year=last_year).count() > len(per_committee)
    assert Commitment.objects.filter(year=last_year + 1, public=True).exists()
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in
               reviewed.values_list("text", flat=True).distinct())
