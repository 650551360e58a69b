"""A database at the previous head (in-service groups as branches, members whose membership
sat in party groups, a unit's party organisation copied into each committee) migrated to the
corrected model: every member keeps a branch (never a party group), every check-in its
committee, and no member, check-in, activity, or meeting or appraisal of a real branch is
lost."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.models import Activity
from branches.models import Branch, CommitteeMembership
from core.models import RoleAssignment
from meetings.models import Meeting
from members.models import Appraisal, CheckIn, InServiceGroup, Member, Transfer
from units.models import Need

PREVIOUS = {
    "branches": "0004_branch_term",
    "members": "0004_party_status_label",
    "units": "0002_cobuilding",
}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def previous_head(executor):
    return [
        (app, PREVIOUS.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()
        if app != "notices"  # came later: not there
    ]


def seed_previous_head(apps):
    """Two committees the way seed_demo wrote them before the correction."""
    get = apps.get_model
    Branch = get("branches", "Branch")
    Member = get("members", "Member")
    CheckIn = get("members", "CheckIn")
    Meeting = get("meetings", "Meeting")
    user = get("auth", "User").objects.create(username="groupsecretary")
    district = get("committees", "District").objects.create(name="盐湖区")
    unit = get("units", "Unit").objects.create(
        district=district, name="新象城商业广场", kind="private_enterprise", party_member_count=9)
    world = {}
    for short in ("学苑", "禹西"):
        committee = get("committees", "Committee").objects.create(
            district=district, name=f"{short}社区", established=date(2018, 5, 1))
        residents = Branch.objects.create(
            committee=committee, kind="residents", name=f"{short}社区居民党支部",
            term_start=date(2024, 3, 1), term_end=date(2027, 2, 28))
        groups = [Branch.objects.create(
            committee=committee, kind="residents", parent=residents, name=f"{short}居民第{n}党小组",
            term_start=date(2024, 3, 1), term_end=date(2027, 2, 28)) for n in "一二"]
        unit_org = Branch.objects.create(
            committee=committee, kind="unit", unit=unit, name=f"新象城商业广场党支部（{short}）",
            founded=date(2019 if short == "学苑" else 2020, 7, 1))
        in_service = Branch.objects.create(
            committee=committee, kind="in_service", name=f"{short}社区在职党员小组")
        members = {
            "in_group": Member.objects.create(
                committee=committee, name=f"{short}组员", category="resident", branch=groups[0]),
            "resident": Member.objects.create(
                committee=committee, name=f"{short}居民", category="resident", branch=residents),
            "unit": Member.objects.create(
                committee=committee, name=f"{short}商户", category="in_service",
                branch=unit_org, employer_unit=unit),
            "checked_in": Member.objects.create(
                committee=committee, name=f"{short}在职", category="in_service",
                outside_organisation="运城市直机关工委"),
            "in_in_service": Member.objects.create(
                committee=committee, name=f"{short}误登", category="in_service",
                branch=in_service, employer_name="运城市第一医院"),
        }
        in_service.secretary = members["checked_in"]
        in_service.save()
        CheckIn.objects.create(member=members["checked_in"], committee=committee,
                               status="confirmed", started_on=date(2019, 6, 1))
        CheckIn.objects.create(member=members["unit"], committee=committee, status="ended",
                               started_on=date(2019, 6, 1), ended_on=date(2021, 1, 1))
        get("members", "Transfer").objects.create(
            member=members["in_group"], from_branch=groups[1], to_branch=groups[0],
            transferred_on=date(2025, 3, 15), reason="居住地变更，转入本党小组")
        get("members", "Transfer").objects.create(
            member=members["resident"], from_outside="临猗县城关镇党委", to_branch=residents,
            transferred_on=date(2025, 4, 1), reason="组织关系转入")
        get("members", "Appraisal").objects.create(
            member=members["in_group"], branch=groups[0], year=2025, rating="qualified")
        get("members", "Appraisal").objects.create(
            member=members["in_in_service"], branch=in_service, year=2025, rating="qualified")
        at = datetime(2026, 3, 10, 19, tzinfo=SHANGHAI)
        for holder, kind in ((residents, "branch_assembly"), (groups[0], "group"),
                             (unit_org, "branch_assembly"), (in_service, "branch_assembly")):
            Meeting.objects.create(committee=committee, branch=holder, kind=kind, starts_at=at,
                                   status="held", title=f"{holder.name}会议")
        get("units", "Need").objects.create(
            committee=committee, branch=in_service, title="在职党员志愿岗", kind="volunteers")
        activity = get("activities", "Activity").objects.create(
            committee=committee, title=f"{short}共建活动", line="public_welfare",
            starts_at=at, ends_at=at + timedelta(hours=2))
        activity.branches.add(residents, unit_org, in_service)
        get("core", "RoleAssignment").objects.create(
            user=user, role="branch_secretary", branch=in_service)
        get("core", "RoleAssignment").objects.create(
            user=user, role="branch_secretary", branch=unit_org)
        world[short] = {"committee": committee.pk, "residents": residents.pk,
                        "groups": [g.pk for g in groups], "unit_org": unit_org.pk,
                        "members": {k: m.pk for k, m in members.items()}}
    return world


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_head_is_carried_into_the_corrected_model():
    executor = MigrationExecutor(connection)
    executor.migrate(previous_head(executor))
    executor.loader.build_graph()
    old = executor.loader.project_state(previous_head(executor)).apps
    world = seed_previous_head(old)
    before = {
        "members": old.get_model("members", "Member").objects.count(),
        "checkins": old.get_model("members", "CheckIn").objects.count(),
        "activities": old.get_model("activities", "Activity").objects.count(),
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # No member is lost; every one keeps a branch (never a party group) or an organisation
    # outside; the party group is kept as the member's group.
    assert Member.objects.count() == before["members"] == 10
    assert not Member.objects.filter(branch__parent__isnull=False).exists()
    assert not Member.objects.filter(branch__isnull=True, outside_organisation="").exists()
    for seeded in world.values():
        in_group = Member.objects.get(pk=seeded["members"]["in_group"])
        assert (in_group.branch_id, in_group.party_group_id) == (
            seeded["residents"], seeded["groups"][0])
        # Membership typed into the in-service "branch" goes to the employer's organisation,
        # and the member is counted with the community's in-service members.
        moved = Member.objects.get(pk=seeded["members"]["in_in_service"])
        assert (moved.branch, moved.outside_organisation) == (None, "运城市第一医院党组织")
        assert moved.checkins.get().committee_id == seeded["committee"]

    # Every check-in keeps its committee; one was added for the member above, per committee.
    assert CheckIn.objects.count() == before["checkins"] + 2
    for seeded in world.values():
        assert set(CheckIn.objects.filter(
            member__committee_id=seeded["committee"]).values_list("committee_id", flat=True)
        ) == {seeded["committee"]}
    assert set(CheckIn.objects.filter(status="ended").values_list("end_reason", flat=True)) == {
        "moved_away"}

    # In-service groups are no longer branches: each committee has one, led by the former
    # "secretary", holding the confirmed check-ins; its role assignment and 三会一课 are gone.
    assert not Branch.objects.filter(name__contains="在职党员小组").exists()
    for short, seeded in world.items():
        group = InServiceGroup.objects.get(committee_id=seeded["committee"])
        assert group.name == f"{short}社区在职党员小组"
        assert group.leader.name == f"{short}在职"
        assert set(group.checkins.values_list("status", flat=True)) == {"confirmed"}
        assert group.checkins.count() == 2
    assert not Meeting.objects.filter(title__contains="在职党员小组").exists()
    assert Need.objects.filter(title="在职党员志愿岗", branch__isnull=True).count() == 2

    # One party organisation for the unit, a member organisation of both committees from the
    # dates its copies were founded; everything that named a copy names it.
    orgs = Branch.objects.filter(unit__name="新象城商业广场")
    assert orgs.count() == 1
    org = orgs.get()
    assert org.pk == world["学苑"]["unit_org"]
    assert org.name == "新象城商业广场党支部"
    assert {(m.committee_id, m.joined_on) for m in CommitteeMembership.objects.filter(
        branch=org)} == {(world["学苑"]["committee"], date(2019, 7, 1)),
                         (world["禹西"]["committee"], date(2020, 7, 1))}
    assert org.members.count() == 2
    assert Meeting.objects.filter(branch=org).count() == 2
    assert RoleAssignment.objects.filter(branch=org).count() == 1
    assert RoleAssignment.objects.filter(role="branch_secretary").count() == 1

    # Meetings of real branches and groups, appraisals and activities are all still there.
    assert Meeting.objects.count() == 6
    assert Activity.objects.count() == before["activities"]
    for activity in Activity.objects.all():
        assert {b.name for b in activity.branches.all()} == {
            activity.committee.branches.get(kind="residents", parent=None).name,
            "新象城商业广场党支部"}
    assert set(Appraisal.objects.values_list("branch__parent", flat=True)) == {None}
    assert Appraisal.objects.filter(member__name__endswith="组员").count() == 2
    # A move between two groups of a branch was an edit, not a transfer; the real transfers stay.
    assert set(Transfer.objects.values_list("reason", flat=True)) == {"组织关系转入"}
    # Party groups have no term.
    assert not Branch.objects.filter(parent__isnull=False, term_end__isnull=False).exists()
