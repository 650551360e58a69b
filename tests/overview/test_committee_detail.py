"""A committee's page: its organisation tree, seats and venues, and who gets which links."""

import html
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from branches.models import BranchKind, CommitteeMembership
from committees.models import SeatRole
from members.models import CheckIn, CheckInStatus, InServiceGroup
from tests.committees.data import fill_committee
from tests.conftest import session_queries
from tests.factories import (
    BranchFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    SeatFactory,
    UnitFactory,
    VenueFactory,
)
from units.models import Agreement, Resource

# User, the scope (2); the committee with every count the page shows (its member figures, the
# in-service totals, this year's activities and teams, the matters' counts and, for the
# committee's side, this year's funding by source: one row of correlated counts); the
# seats, venues and in-service groups (one union); the branches; the agreements with their
# units ranked as partners (those ending soon picked from them, for the committee's side);
# the next five activities; the last and the next monthly meeting, with this year's monthly
# meetings held for the committee's side (the months without one are flagged); for those
# who read all the matters, the resolved ones' days and the next five still to be done (one
# query). Whether the user may write the committee or the district, or reads its matters,
# is read from the scope. Plus the bell (in the scope's query) and the session unless Redis
# caches it: the same at any size. A district officer verified by an authenticator spends
# one more in production (django-otp reads the device): 10.
COMMITTEE_PAGE_QUERIES = 9 + session_queries()
# by persona: the committee's secretary also reads the notices waiting for the committee; a
# branch secretary reads the matters, not the committee's side's cards; a member neither.
PERSONA_QUERIES = {
    "officer": COMMITTEE_PAGE_QUERIES,
    "secretary_a": COMMITTEE_PAGE_QUERIES + 1,
    "branch_secretary": COMMITTEE_PAGE_QUERIES,
    "member_user": COMMITTEE_PAGE_QUERIES - 1,
}


def url(committee):
    return reverse("overview:committee-detail", kwargs={"pk": committee.pk})


def text(response):
    return html.unescape(response.content.decode())


class _Collect(HTMLParser):
    """The text inside every element that matches ``wanted(tag, attrs)``, nested ones included."""

    def __init__(self, wanted):
        super().__init__()
        self.wanted, self.open, self.found = wanted, [], []

    def handle_starttag(self, tag, attrs):
        for item in self.open:
            item[1] += 1 if tag == item[0] else 0
        if self.wanted(tag, dict(attrs)):
            self.found.append("")
            self.open.append([tag, 1, len(self.found) - 1])

    def handle_endtag(self, tag):
        for item in self.open:
            item[1] -= 1 if tag == item[0] else 0
        self.open = [item for item in self.open if item[1] > 0]

    def handle_data(self, data):
        for item in self.open:
            self.found[item[2]] += data


def collect(response, wanted):
    parser = _Collect(wanted)
    parser.feed(response.content.decode())
    return [" ".join(t.split()) for t in parser.found]


def kind_sections(response):
    """The organisation tree's top-level items, one per kind, as text."""
    tree = collect(response, lambda tag, a: tag == "ul" and a.get("class") == "tree")[0]
    labels = kind_labels()
    positions = [tree.index(label) for label in labels]
    return {
        label: tree[start:end]
        for label, start, end in zip(labels, positions, positions[1:] + [None], strict=True)
    }


def kind_labels():
    with translation.override("en"):
        return [str(label) for label in BranchKind.labels] + ["In-service member groups"]


def branch_items(response):
    """{branch name: the text of its item in the tree, its party groups included}."""
    items = collect(response, lambda tag, a: tag == "li" and a.get("data-testid") == "branch")
    return {item.split(" ")[0]: item for item in items}


# --- what it shows ---------------------------------------------------------------------------

def test_the_tree_shows_the_four_kinds_of_organisation(client, world):
    # The unit's organisation is registered by B and is a member organisation of A too; the
    # in-service members are a group of checked-in members, not a branch.
    org = BranchFactory(
        committee=world.b, kind=BranchKind.UNIT, name="运城市第一医院党委", unit=world.unit
    )
    CommitteeMembership.objects.create(committee=world.a, branch=org, joined_on=date(2020, 1, 1))
    group = InServiceGroup.objects.create(committee=world.a, name="1号楼在职党员小组",
                                          leader=world.a_member)
    for n in range(3):
        CheckIn.objects.create(
            member=MemberFactory(committee=world.a, branch=None, category="in_service",
                                 outside_organisation="市直机关工委", name=f"在职{n}"),
            committee=world.a, status=CheckInStatus.CONFIRMED, group=group if n else None)
    client.force_login(world.secretary_a)

    response = client.get(url(world.a))
    sections = kind_sections(response)

    residents, retirees, unit, in_service = sections.values()
    assert world.a_branch.name in residents and world.a_retirees.name not in residents
    assert world.a_retirees.name in retirees
    assert "运城市第一医院党委" in unit and world.unit.name in unit
    assert "member organisation since 2020-01-01" in unit
    assert "3 in-service members checked in · 1 in no group" in in_service
    assert "1号楼在职党员小组 · leader 郑优芳 · 2 members" in in_service
    assert "Not a branch" in in_service
    assert response.context["figures"]["checked_in"] == 3


def test_the_tree_puts_each_party_group_under_its_own_branch(client, world):
    MemberFactory(committee=world.a, branch=world.a_group, name="李卫红")
    client.force_login(world.secretary_a)

    items = branch_items(client.get(url(world.a)))

    assert set(items) == {world.a_branch.name, world.a_retirees.name}  # groups are not top level
    assert world.a_group.name in items[world.a_branch.name]
    assert world.a_group.name not in items[world.a_retirees.name]
    assert f"{world.a_group.name} · 2 members" in items[world.a_branch.name]
    assert "0 members" in items[world.a_retirees.name]


def test_it_hides_other_committees_branches(client, world):
    client.force_login(world.officer)

    page = text(client.get(url(world.a)))

    assert world.b_branch.name not in page
    assert world.a_branch.name in page


def test_it_lists_the_seats_with_their_holders(client, world):
    SeatFactory(
        committee=world.a, role=SeatRole.PART_TIME, member=None, holder_name="王建国",
        unit=world.unit, title="党委书记",
    )
    client.force_login(world.member_user)

    seats = collect(client.get(url(world.a)), lambda tag, a: a.get("id") == "seats")[0]

    assert world.a_member.name in seats  # a member on the roster
    assert "王建国" in seats and f"{world.unit.name} 党委书记" in seats  # a unit's person
    assert "Part-time member" in seats and "Committee member" in seats
    assert seats.index("Committee member") < seats.index("Part-time member")


def test_it_lists_the_venues_with_their_total_area(client, world):
    VenueFactory(committee=world.a, name="医院共建活动中心", area=Decimal("150.0"), unit=world.unit)
    client.force_login(world.member_user)

    venues = collect(client.get(url(world.a)), lambda tag, a: a.get("id") == "venues")[0]

    assert "450 m² in all" in venues  # 300 + 150
    assert "医院共建活动中心 150 m²" in venues and f"provided by {world.unit.name}" in venues
    assert "学苑党员活动室 300 m² provided by the community" in venues


def test_it_says_so_when_nothing_is_recorded_yet(client, world):
    world.a_seat.delete()
    world.a_venue.delete()
    client.force_login(world.secretary_a)

    page = text(client.get(url(world.a)))

    assert "No seats recorded." in page
    assert "No venues recorded." in page
    assert "0 m² in all" in page


# --- who gets which links --------------------------------------------------------------------

def edit_links(world):
    return {
        "edit": reverse("committees:committee-update", kwargs={"pk": world.a.pk}),
        "new branch": reverse("branches:branch-create", kwargs={"committee_pk": world.a.pk}),
        "add seat": reverse("committees:seat-create", kwargs={"committee_pk": world.a.pk}),
        "edit seat": reverse("committees:seat-update", kwargs={"pk": world.a_seat.pk}),
        "remove seat": reverse("committees:seat-delete", kwargs={"pk": world.a_seat.pk}),
        "add venue": reverse("committees:venue-create", kwargs={"committee_pk": world.a.pk}),
        "edit venue": reverse("committees:venue-update", kwargs={"pk": world.a_venue.pk}),
        "delete venue": reverse("committees:venue-delete", kwargs={"pk": world.a_venue.pk}),
    }


def delete_link(world):
    return reverse("committees:committee-delete", kwargs={"pk": world.a.pk})


def test_the_secretary_gets_the_edit_links_but_not_the_delete_link(client, world):
    client.force_login(world.secretary_a)

    page = client.get(url(world.a)).content.decode()

    missing = [name for name, link in edit_links(world).items() if f'href="{link}"' not in page]
    assert missing == []
    assert delete_link(world) not in page


def test_the_district_officer_also_gets_the_delete_link(client, world):
    client.force_login(world.officer)

    page = client.get(url(world.a)).content.decode()

    assert f'href="{delete_link(world)}"' in page
    assert f'href="{edit_links(world)["edit"]}"' in page


@pytest.mark.parametrize("persona", ["member_user", "branch_secretary"])
def test_read_only_users_get_no_edit_or_delete_links(client, world, persona):
    client.force_login(getattr(world, persona))

    response = client.get(url(world.a))

    assert response.status_code == 200
    page = response.content.decode()
    shown = [name for name, link in edit_links(world).items() if link in page]
    assert shown == []
    assert delete_link(world) not in page
    assert world.a_branch.name in text(response)  # the structure itself is readable


# --- queries ---------------------------------------------------------------------------------

def test_the_number_of_queries_does_not_grow_with_the_committee(
    client, world, django_assert_num_queries
):
    client.force_login(world.officer)
    with django_assert_num_queries(COMMITTEE_PAGE_QUERIES):
        small = client.get(url(world.b))

    fill_committee(world.b, unit=world.unit, groups=8, members=30)
    for n in range(5):  # co-building units, one ending soon
        partner = UnitFactory(district=world.district, name=f"共建单位{n}")
        Agreement.objects.create(
            unit=partner, committee=world.b, starts_on=date(2025, 1, 1),
            ends_on=timezone.localdate() + timedelta(days=10 if n == 0 else 400),
            signed_on=date(2025, 1, 1), status="in_force", committee_commits="场地",
            unit_commits="志愿者",
        )
        Resource.objects.create(
            unit=partner, committee=world.b, kind="funds", description="经费", amount=1000 * n
        )
    with django_assert_num_queries(COMMITTEE_PAGE_QUERIES):
        large = client.get(url(world.b))
    assert large.content.decode().count('data-testid="partner"') == 5
    assert "共建单位0" in text(large)

    assert len(branch_items(small)) == 2
    # the world's two + a residents' and a retired cadres' branch + the unit's organisation
    assert len(branch_items(large)) == 5
    assert text(large).count("Committee member") == 31


@pytest.mark.parametrize("persona", list(PERSONA_QUERIES))
def test_each_persona_spends_the_same_queries_at_two_sizes(
    client, world, django_assert_num_queries, persona
):
    client.force_login(getattr(world, persona))
    with django_assert_num_queries(PERSONA_QUERIES[persona]):
        small = client.get(url(world.a))
    fill_committee(world.a, unit=world.unit, groups=6, members=25)
    for n in range(4):  # partners with agreements, two ending soon; matters and meetings
        partner = UnitFactory(district=world.district, name=f"共建单位{n}")
        Agreement.objects.create(
            unit=partner, committee=world.a, starts_on=date(2025, 1, 1),
            ends_on=timezone.localdate() + timedelta(days=10 if n < 2 else 400),
            signed_on=date(2025, 1, 1), status="in_force", committee_commits="场地",
            unit_commits="志愿者",
        )
        VenueFactory(committee=world.a, name=f"共建场地{n}", unit=partner)
        SeatFactory(committee=world.a, role=SeatRole.PART_TIME, member=None,
                    holder_name=f"委员{n}", unit=partner, title="书记")
        MatterFactory(committee=world.a, title=f"议题{n}")
        MatterFactory(committee=world.a, title=f"已办{n}", status="resolved",
                      raised_on=date(2026, 1, 1), resolved_on=date(2026, 1, 3 + n))
    InServiceGroup.objects.create(committee=world.a, name="在职小组", leader=world.a_member)
    MeetingFactory(committee=world.a, kind="monthly", status="held",
                   starts_at=timezone.now() - timedelta(days=3))
    with django_assert_num_queries(PERSONA_QUERIES[persona]):
        large = client.get(url(world.a))
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('data-testid="partner"') == 4
    venues = collect(large, lambda tag, a: a.get("id") == "venues")[0]
    assert venues.count("共建场地") == 4


def test_the_secretary_sees_agreements_ending_within_30_days(client, world):
    today = timezone.localdate()
    for name, days in (("快到期单位", 30), ("还早单位", 31)):
        Agreement.objects.create(
            unit=UnitFactory(district=world.district, name=name), committee=world.a,
            starts_on=date(2025, 1, 1), ends_on=today + timedelta(days=days),
            signed_on=date(2025, 1, 1), status="in_force", committee_commits="场地",
            unit_commits="志愿者",
        )
    client.force_login(world.secretary_a)
    page = client.get(url(world.a)).content.decode()
    warning = page[page.index('data-testid="expiring-agreements"'):]
    warning = warning[: warning.index("</div>")]
    assert "快到期单位" in warning and "还早单位" not in warning
    # members of the committee do not get the secretary's reminder
    client.force_login(world.member_user)
    assert 'data-testid="expiring-agreements"' not in client.get(url(world.a)).content.decode()


# --- months without a monthly meeting ------------------------------------------------------


def test_the_secretary_sees_the_months_without_a_monthly_meeting(client, world):
    today = timezone.localdate()
    if today.month > 1:  # held in January; every month since, until last month, missed
        MeetingFactory(committee=world.a, kind="monthly", status="held",
                       starts_at=timezone.make_aware(datetime(today.year, 1, 20, 15)))
    expected = [date(today.year, m, 1) for m in range(2, today.month)]
    client.force_login(world.secretary_a)

    response = client.get(url(world.a))

    assert response.context["months_missed"] == expected
    page = text(response)
    if expected:
        assert 'data-testid="monthly-missed"' in page
        assert f"{len(expected)} month" in page
        assert reverse("meetings:committee-compliance", args=[world.a.pk]) in page
    else:
        assert 'data-testid="monthly-missed"' not in page


def test_only_the_committee_s_side_is_shown_the_months_missed(client, world):
    client.force_login(world.member_user)
    response = client.get(url(world.a))
    assert response.context["months_missed"] == []
    assert 'data-testid="monthly-missed"' not in text(response)


# A member reads the page without the committee's side's cards (no money, agreements, matters
# or months missed): fewer queries, also the same at any size.
MEMBER_PAGE_QUERIES = PERSONA_QUERIES["member_user"]


def test_a_members_page_spends_the_same_queries_at_two_sizes(
    client, world, django_assert_num_queries
):
    client.force_login(world.member_user)
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        small = client.get(url(world.a))
    fill_committee(world.a, unit=world.unit, groups=4, members=20)
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        large = client.get(url(world.a))
    assert small.status_code == large.status_code == 200
    assert 'data-testid="cobuilding-funding"' not in large.content.decode()
