"""Rules a second reading found missing: what each persona sees of offers and money, what no
longer changes once committed or finished, and what the unit page tells about the unit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities.models import Funding
from core.models import RoleAssignment
from tests.factories import BranchFactory, UnitFactory
from tests.units.test_lists import agree, make_need, make_resource, today, url
from units import lists
from units.models import Project, ProjectStatus, ResourceStatus


@pytest.fixture
def project(world):
    """A's project with world.unit's committed resource worth 12,345.67 yuan."""
    agree(world.unit, world.a)
    secret = make_resource(world.unit, world.a, description="秘密经费", kind="funds",
                           amount=Decimal("12345.67"), status=ResourceStatus.COMMITTED)
    p = Project.objects.create(committee=world.a, title="清洁家园", owner="书记",
                               need=make_need(world.a), status=ProjectStatus.APPROVED)
    p.resources.add(secret)
    p.units.add(world.unit)
    return p


def test_a_projects_resources_and_money_show_only_to_the_committee_side(login, world, project):
    page = login(world.secretary_a).get(url("project-detail", project)).content.decode()
    assert "秘密经费" in page
    for reader in (world.member_user, world.branch_secretary):
        page = login(reader).get(url("project-detail", project)).content.decode()
        assert "清洁家园" in page
        assert "秘密经费" not in page and "12,345.67" not in page and "12345.67" not in page


def test_the_committee_page_shows_partners_money_to_the_committee_side_only(
    login, world, project
):
    # The committed funds are the unit's money once recorded as its funding line.
    Funding.objects.create(committee=world.a, project=project, source="unit", unit=world.unit,
                           amount=Decimal("12345.67"), state="received", date=today())
    secretary = login(world.secretary_a).get(world.a.get_absolute_url()).content.decode()
    assert "12,345.67" in secretary or "12345.67" in secretary
    member = login(world.member_user).get(world.a.get_absolute_url()).content.decode()
    assert world.unit.name in member  # the unit is still named among the partners
    assert "12,345.67" not in member and "12345.67" not in member


def test_the_resource_list_names_no_unit_the_user_may_not_see(login, world, project):
    page = login(world.member_user).get(url("resource-list", world.a)).content.decode()
    assert world.unit.name not in page


def test_a_finished_project_stays_finished(world, project):
    project.status, project.finished_on = ProjectStatus.DONE, project.created_at.date()
    lists.project_save(project=project)
    project.status = ProjectStatus.UNDER_WAY
    with pytest.raises(ValidationError):
        lists.project_save(project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.DONE


def test_a_committed_resource_keeps_its_amount(world, project):
    resource = project.resources.get()
    resource.amount = Decimal("1")
    with pytest.raises(ValidationError):
        lists.resource_save(resource=resource)
    resource.refresh_from_db()
    assert resource.amount == Decimal("12345.67")
    resource.description = "秘密经费（更名）"  # the description may still be corrected
    resource.amount = Decimal("12345.67")
    lists.resource_save(resource=resource)


def test_the_unit_page_names_its_party_organisation_and_liaison(login, world):
    unit_branch = BranchFactory(committee=world.a, kind="unit", unit=world.unit,
                                name="运城市第一医院党委（学苑）")
    liaison = RoleAssignment.objects.create(
        user=world.secretary_b, role="unit_liaison", unit=world.unit
    ).user
    page = login(world.officer).get(world.unit.get_absolute_url()).content.decode()
    assert unit_branch.name in page and liaison.username in page
    other = UnitFactory(district=world.district, name="运城学院", party_organisation_name="校党委")
    assert "校党委" in login(world.officer).get(other.get_absolute_url()).content.decode()
