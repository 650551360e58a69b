"""The scope rule for co-building records (core/scope.py): agreements, needs, resources,
projects, persona by persona, written as plain filters to compare with ``for_user``."""

from datetime import date

import pytest

from committees.models import Committee
from tests.factories import UnitFactory, UserFactory, grant
from units.models import Agreement, AgreementStatus, Need, Project, Resource

MODELS = [Agreement, Need, Resource, Project]


def reach(user, *, write=False):
    return {
        m.__name__: set(m.objects.for_user(user, write=write).values_list("pk", flat=True))
        for m in MODELS
    }


@pytest.fixture
def cobuilding(world):
    """A's agreement, need, resource and project with ``world.unit``; the same for B with
    another unit; a liaison for each unit."""
    other = UnitFactory(district=world.district, name="盐湖区实验中学")
    records = {}
    for committee, unit in ((world.a, world.unit), (world.b, other)):
        agreement = Agreement.objects.create(
            unit=unit, committee=committee, starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1),
            signed_on=date(2025, 1, 1), status=AgreementStatus.IN_FORCE,
            committee_commits="场地", unit_commits="志愿者",
        )
        need = Need.objects.create(committee=committee, title="志愿者", kind="volunteers")
        resource = Resource.objects.create(
            unit=unit, committee=committee, kind="volunteers", description="志愿者 10 名"
        )
        project = Project.objects.create(committee=committee, need=need, title="清洁", owner="书记")
        project.units.add(unit)
        records[committee.name] = {
            "Agreement": {agreement.pk}, "Need": {need.pk}, "Resource": {resource.pk},
            "Project": {project.pk},
        }
    liaison = UserFactory(username="liaison")
    grant(liaison, "unit_liaison", world.unit)
    return records["学苑社区"], records["御沁园社区"], liaison


def test_the_district_officer_reaches_everything(world, cobuilding):
    a, b, _ = cobuilding
    both = {name: a[name] | b[name] for name in a}
    assert reach(world.officer) == both
    assert reach(world.officer, write=True) == both


def test_a_secretary_reaches_their_committee_only(world, cobuilding):
    a, b, _ = cobuilding
    assert reach(world.secretary_a) == a
    assert reach(world.secretary_a, write=True) == a
    assert reach(world.secretary_b) == b


def test_a_branch_secretary_reads_the_committees_lists_and_writes_their_branchs_needs(
    world, cobuilding
):
    a, _, _ = cobuilding
    # Agreements and resources stay between the committee's side and the unit.
    assert reach(world.branch_secretary) == {**a, "Agreement": set(), "Resource": set()}
    assert reach(world.branch_secretary, write=True) == {
        "Agreement": set(), "Need": set(), "Resource": set(), "Project": set()
    }
    own = Need.objects.create(
        committee=world.a, branch=world.a_branch, title="投影仪", kind="equipment"
    )
    assert reach(world.branch_secretary, write=True)["Need"] == {own.pk}


def test_a_liaison_reads_their_units_records_and_the_partner_committee(world, cobuilding):
    a, _, liaison = cobuilding
    # The agreement opens committee A to the liaison (its structure, its lists), not B.
    assert set(Committee.objects.for_user(liaison).values_list("pk", flat=True)) == {world.a.pk}
    assert reach(liaison) == a
    # Another unit's agreement and resource with the same committee stay hidden.
    other = UnitFactory(district=world.district, name="运城学院")
    Agreement.objects.create(
        unit=other, committee=world.a, starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1),
        committee_commits="场地", unit_commits="节目",
    )
    Resource.objects.create(unit=other, committee=world.a, kind="funds", description="经费")
    assert reach(liaison) == a
    # They change their unit's resource, nothing else.
    assert reach(liaison, write=True) == {
        "Agreement": set(), "Need": set(), "Resource": a["Resource"], "Project": set()
    }


def test_members_read_their_committees_needs_and_projects(world, cobuilding):
    a, _, _ = cobuilding
    assert reach(world.member_user) == {**a, "Agreement": set(), "Resource": set()}
    assert reach(world.member_user, write=True) == {name: set() for name in a}


def test_a_liaisons_home_is_their_units_page(world, cobuilding, client):
    _, _, liaison = cobuilding
    client.force_login(liaison)
    response = client.get("/")
    assert response.status_code == 302 and response.url == world.unit.get_absolute_url()
