"""A resident unit's party organisation exists once and is a member organisation of one or more
committees (彼此不隶属: coordinated, not owned)."""

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from branches.models import Branch, BranchKind, CommitteeMembership
from meetings import compliance
from tests.factories import MeetingFactory, MemberFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(response):
    return html.unescape(response.content.decode())


def words(response):
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def join_url(committee):
    return reverse("branches:membership-create", kwargs={"committee_pk": committee.pk})


def end_url(membership):
    return reverse("branches:membership-end", kwargs={"pk": membership.pk})


@pytest.fixture
def org(client, world):
    """The unit's organisation, registered by committee A's secretary through the page."""
    client.force_login(world.secretary_a)
    response = client.post(
        reverse("branches:branch-create", kwargs={"committee_pk": world.a.pk}),
        {"kind": BranchKind.UNIT, "name": "运城市第一医院党委", "unit": world.unit.pk,
         "founded": "2019-07-01", "parent": "", "secretary": ""},
    )
    assert response.status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logging out drops the cookies
    return Branch.objects.get(unit=world.unit)


def test_registering_a_unit_s_organisation_makes_it_a_member_of_that_committee(world, org):
    membership = CommitteeMembership.objects.get(branch=org)
    assert (membership.committee, membership.joined_on, membership.left_on) == (
        world.a, date(2019, 7, 1), None)


def test_a_unit_s_organisation_is_registered_once_in_the_district(client, world, org):
    client.force_login(world.secretary_b)

    response = client.post(
        reverse("branches:branch-create", kwargs={"committee_pk": world.b.pk}),
        {"kind": BranchKind.UNIT, "name": "运城市第一医院党委（御沁园）", "unit": world.unit.pk,
         "parent": "", "secretary": "", "founded": ""},
    )

    assert response.status_code == 400
    assert "add it to the committee as a member organisation instead" in text(response)
    assert Branch.objects.filter(unit=world.unit).count() == 1


def test_another_committee_adds_it_as_a_member_organisation(client, world, org):
    MemberFactory(committee=world.a, branch=org, name="王医生")
    client.force_login(world.secretary_b)

    offered = list(client.get(join_url(world.b)).context["form"].fields["branch"].queryset)
    response = client.post(join_url(world.b), {"branch": org.pk, "joined_on": "2021-03-01"})

    assert offered == [org]
    assert response.status_code == 302
    assert CommitteeMembership.objects.filter(branch=org).count() == 2
    # Listed with B's organisation, once, with the date it joined and its members counted.
    page = text(client.get(world.b.get_absolute_url()))
    assert page.count("运城市第一医院党委") == 1
    assert "member organisation since 2021-03-01" in page
    # B reads the organisation's page (with the committees it belongs to) but does not own it.
    detail = client.get(org.get_absolute_url())
    assert detail.status_code == 200
    assert [m.committee for m in detail.context["memberships"]] == [world.a, world.b]
    assert client.get(reverse("branches:branch-update", kwargs={"pk": org.pk})).status_code == 403
    # The unit's page: the one organisation, its members counted, and both committees.
    unit_page = words(client.get(world.unit.get_absolute_url()))
    assert "1 (counted from the roster)" in unit_page
    assert "学苑社区" in unit_page and "御沁园社区" in unit_page


def test_the_unit_list_shows_each_organisation_once_with_its_committees(client, world, org):
    CommitteeMembership.objects.create(committee=world.b, branch=org, joined_on=date(2021, 1, 1))
    client.force_login(world.officer)

    response = client.get(reverse("units:unit-list"))

    rows = [u for u in response.context["page"].object_list if u.pk == world.unit.pk]
    assert len(rows) == 1
    assert rows[0].member_of == ["学苑社区", "御沁园社区"]
    assert "Member organisation of: 学苑社区、御沁园社区" in text(response)


def test_a_unit_without_an_organisation_in_the_portal_shows_a_reported_count(client, world):
    world.unit.party_member_count = 12
    world.unit.save()
    client.force_login(world.officer)

    page = words(client.get(world.unit.get_absolute_url()))

    assert "12 (reported by the unit)" in page


def test_joining_twice_is_refused(client, world, org):
    client.force_login(world.secretary_a)

    response = client.post(join_url(world.a), {"branch": org.pk, "joined_on": "2021-03-01"})

    assert response.status_code == 400
    assert CommitteeMembership.objects.filter(branch=org).count() == 1


def test_joining_needs_a_date_and_a_unit_s_organisation(client, world, org):
    client.force_login(world.secretary_b)

    missing = client.post(join_url(world.b), {"branch": org.pk, "joined_on": ""})
    not_a_unit = client.post(join_url(world.b), {"branch": world.a_branch.pk,
                                                 "joined_on": "2021-03-01"})

    assert missing.status_code == not_a_unit.status_code == 400
    assert missing.context["form"].errors["joined_on"]
    assert not_a_unit.context["form"].errors["branch"]
    assert not CommitteeMembership.objects.filter(committee=world.b).exists()


def test_only_the_committee_s_side_adds_member_organisations(client, world, org):
    client.get(join_url(world.b))
    assert client.get(join_url(world.b)).status_code == 302  # anonymous: sign in first
    client.force_login(world.secretary_a)
    assert client.get(join_url(world.b)).status_code == 404
    client.force_login(world.branch_secretary)
    assert client.post(join_url(world.a), {"branch": org.pk,
                                            "joined_on": "2021-03-01"}).status_code == 403


def test_leaving_ends_the_membership_and_keeps_its_history(client, world, org):
    membership = CommitteeMembership.objects.create(
        committee=world.b, branch=org, joined_on=date(2021, 1, 1))
    client.force_login(world.secretary_b)

    early = client.post(end_url(membership), {"left_on": "2020-12-31"})
    response = client.post(end_url(membership), {"left_on": "2025-06-30"})

    assert early.status_code == 400
    assert "It cannot leave before it joined." in text(early)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == date(2025, 6, 30)
    page = text(client.get(world.b.get_absolute_url()))
    assert "运城市第一医院党委" not in page
    client.force_login(world.secretary_a)
    assert "2021-01-01 – 2025-06-30" in words(client.get(org.get_absolute_url()))
    # A's secretary keeps the organisation's record and reads B's membership, but does not
    # end it.
    assert client.post(end_url(membership), {"left_on": "2025-07-01"}).status_code == 403


def test_the_committee_answers_for_its_own_branches_and_sees_its_member_organisations(
    world, org
):
    CommitteeMembership.objects.create(committee=world.b, branch=org, joined_on=date(2021, 1, 1))
    MeetingFactory(committee=world.a, branch=org, kind="branch_assembly", status="held",
                   starts_at=datetime(2026, 1, 10, 19, tzinfo=SHANGHAI))

    _own, branches, member_orgs = compliance.committee_grids(
        world.b, year=2026, today=date(2026, 5, 1))
    table = {row.committee: row for row in compliance.district_compliance(
        world.district, 2026, today=date(2026, 5, 1))}

    own_b = set(Branch.objects.filter(committee=world.b, parent=None))
    assert {b for b, _rows in branches} == own_b
    assert [b for b, _rows in member_orgs] == [org]
    assembly = next(r for r in member_orgs[0][1] if r.kind == "branch_assembly")
    assert assembly.held == 1
    # Neither committee counts the organisation among the branches it answers for.
    assert table[world.a].branches == 2  # residents' and retired cadres'
    assert table[world.b].branches == len(own_b)
