"""A page names what its reader cannot open, without a link (issue 14, "offer nothing
forbidden"): a unit's party organisation is read with every committee it belongs to, while the
committee keeping its record, the other committees it belongs to, and the organisations of the
district's other units may be out of the reader's reach. The persona crawl
(tests/members/test_no_id_numbers_crawl.py) walks every page; these are the cases it found."""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import BranchKind, CommitteeMembership
from members.models import Category
from tests.factories import BranchFactory, MemberFactory, UnitFactory


@pytest.fixture
def organisations(world):
    """The hospital's organisation, kept by B, a member organisation of A and of B; the
    school's, kept by B and of B only, with a teacher living in A whose membership it holds."""
    hospital = BranchFactory(
        committee=world.b, kind=BranchKind.UNIT, unit=world.unit, name="运城市第一医院党委"
    )
    school = BranchFactory(
        committee=world.b, kind=BranchKind.UNIT, name="盐湖区实验中学党总支",
        unit=UnitFactory(district=world.district, name="盐湖区实验中学"),
    )
    for committee, org in ((world.a, hospital), (world.b, hospital), (world.b, school)):
        CommitteeMembership.objects.create(committee=committee, branch=org,
                                           joined_on=date(2020, 1, 1))
    teacher = MemberFactory(committee=world.a, branch=school, name="杨静",
                            category=Category.IN_SERVICE)
    return hospital, school, teacher


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def linked(html, target):
    return f'href="{target.get_absolute_url()}"' in html


def test_a_units_page_links_only_the_organisation_and_committees_the_reader_opens(
    login, world, organisations
):
    hospital, school, _ = organisations
    mine = page(login(world.secretary_a), world.unit.get_absolute_url())
    assert linked(mine, hospital) and linked(mine, world.a)
    assert world.b.name in mine and not linked(mine, world.b)

    theirs = page(login(world.secretary_a), school.unit.get_absolute_url())
    assert school.name in theirs and not linked(theirs, school)
    assert world.b.name in theirs and not linked(theirs, world.b)

    district = page(login(world.officer), school.unit.get_absolute_url())
    assert linked(district, school) and linked(district, world.b)


def test_an_organisation_kept_by_another_committee_names_it_without_a_link(
    login, world, organisations
):
    hospital, _, _ = organisations
    client = login(world.secretary_a)
    org_page = page(client, hospital.get_absolute_url())
    # the breadcrumb and the committees it is a member organisation of
    assert world.b.name in org_page and not linked(org_page, world.b)
    assert linked(org_page, world.a)
    for name in ("members:branch-roster", "members:appraisal-summary"):
        html = page(client, reverse(name, args=[hospital.pk]))
        assert world.b.name in html and not linked(html, world.b)

    keeper = page(login(world.secretary_b), hospital.get_absolute_url())
    assert linked(keeper, world.b)
    assert world.a.name in keeper and not linked(keeper, world.a)  # B's secretary: not A


def test_a_members_page_names_a_membership_held_out_of_reach_without_a_link(
    login, world, organisations
):
    _, school, teacher = organisations
    html = page(login(world.secretary_a), teacher.get_absolute_url())
    assert school.name in html and not linked(html, school)
    assert linked(page(login(world.officer), teacher.get_absolute_url()), school)
