"""A roster is offered to those whose roster it is: the committee's side and its branches'
secretaries. A member (who reads only their own record) and a unit's liaison (who reads none)
are not offered a list that would show them a part as if it were the whole; opened anyway,
the page says it lists only what is theirs to see."""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import Branch, BranchKind, CommitteeMembership


@pytest.fixture
def liaison_reads_a(world, liaison):
    """The liaison's unit has its party organisation in committee A: A is theirs to read."""
    organisation = Branch.objects.create(
        committee=world.a, kind=BranchKind.UNIT, unit=world.unit, name="运城市第一医院党委"
    )
    CommitteeMembership.objects.create(
        committee=world.a, branch=organisation, joined_on=date(2020, 1, 1)
    )
    return liaison


def roster_button(page, committee):
    return f'href="{reverse("members:committee-roster", args=[committee.pk])}"' in page


def test_the_committee_page_offers_the_roster_to_its_side_and_branch_secretaries(
    login, world, liaison_reads_a
):
    page_url = world.a.get_absolute_url()
    for user in (world.officer, world.secretary_a, world.branch_secretary):
        assert roster_button(login(user).get(page_url).content.decode(), world.a), user
    for user in (world.member_user, liaison_reads_a):
        page = login(user).get(page_url)
        assert page.status_code == 200
        page = page.content.decode()
        assert not roster_button(page, world.a), user


def test_a_branch_page_offers_its_roster_to_whoever_keeps_the_branch(login, world):
    url = reverse("branches:branch-detail", args=[world.a_branch.pk])
    roster = reverse("members:branch-roster", args=[world.a_branch.pk])
    assert roster in login(world.branch_secretary).get(url).content.decode()
    assert roster not in login(world.member_user).get(url).content.decode()


def test_a_part_of_a_roster_says_so(login, world, liaison_reads_a):
    url = reverse("members:committee-roster", args=[world.a.pk])
    mine = login(world.member_user).get(url).content.decode()
    assert 'data-testid="roster-part"' in mine and world.a_member.name in mine
    none = login(liaison_reads_a).get(url).content.decode()
    assert "此名册中没有你有权查看的党员" in none and "名册中还没有党员" not in none
    whole = login(world.secretary_a).get(url).content.decode()
    assert 'data-testid="roster-part"' not in whole
