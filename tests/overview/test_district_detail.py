"""The district officer's overview: every committee with its counts, and the district totals."""

import html
import re
from decimal import Decimal

from django.urls import reverse
from django.utils.html import strip_tags

from members.models import CheckIn, CheckInStatus, InServiceGroup
from overview import figures
from tests.committees.data import add_committees, fill_committee
from tests.conftest import session_queries
from tests.factories import CommitteeFactory, DistrictFactory, MemberFactory, VenueFactory, grant

# The session (unless Redis caches it), user, the officer's scope (2), the district, the
# structure totals (committees, branches, seats, venues, large venues, in-service groups) and
# can_write(district): the same at any size.
# + 14: the dashboard over its period (overview/dashboard.py): when its kept figures were
#   counted, their states by committee (members by category, branches by kind, check-ins
#   confirmed), their flows by month (activities by line and held, attendance and hours, money
#   by source, check-ins started) and by committee, the members who took part and served (kept
#   per month, quarter and year), activities coming up, teams, agreements, matters (by status,
#   resolved), compliance (3) and the comparison of committees. Once the figures were counted
#   (``overview.figures``; a committee never counted is counted on the page, once).
DISTRICT_PAGE_QUERIES = 23 + session_queries()


def url(district):
    return reverse("overview:district-detail", kwargs={"pk": district.pk})


def committees_url(district):
    return reverse("overview:district-committees", kwargs={"pk": district.pk})


# The committees' page: the session, user, scope (2), the district, the paginator's count, the
# page of committees with their structure counted now, can_write(district).
COMMITTEES_PAGE_QUERIES = 5 + session_queries()


def text(response):
    return html.unescape(response.content.decode())


def cards(response):
    """{committee pk: the numbers on its card, in reading order, name and street left out}."""
    found = re.findall(
        r'<a class="list-group-item[^"]*" href="/committees/(\d+)/">(.*?)</a>',
        response.content.decode(), flags=re.S,
    )
    return {
        int(pk): [int(n) for n in re.findall(r"\d+", strip_tags(body.split("</div>", 1)[1]))]
        for pk, body in found
    }


def totals(response):
    section = re.search(r'aria-label="District totals".*?</section>', text(response), re.S)[0]
    return re.findall(r'<div class="stat"[^>]*>(.*?)</div>', section), section


def test_it_shows_every_committee_of_the_district_with_its_counts(client, world):
    fill_committee(world.a, unit=world.unit, groups=2, members=3, venue_area=Decimal("100"))
    client.force_login(world.officer)

    response = client.get(committees_url(world.district))

    assert response.status_code == 200
    # residents, retirees, unit orgs (member organisations), in-service groups (checked in),
    # party groups · seats (part-time) · venues, m² · members
    assert cards(response) == {
        # A: the world's two branches + one of each; the unit's organisation; its group + 2;
        # seats for the world's member, 3 new members and a unit's person; 300 m² + 2 × 100 m²;
        # 1 + 3 members.
        world.a.pk: [2, 2, 1, 0, 0, 3, 5, 1, 3, 500, 4],
        world.b.pk: [2, 0, 0, 0, 0, 0, 1, 0, 1, 600, 1],
    }
    page = text(response)
    assert world.a.name in page and world.b.name in page


def test_it_shows_the_district_totals(client, world):
    client.force_login(world.officer)

    stats, section = totals(client.get(url(world.district)))

    # committees, members, branches / groups, checked in, seats, venues, share with ≥ 500 m²
    assert stats == ["2", "2", "4 / 1", "0", "2", "2", "50%"]
    assert "900 m²" in section  # 300 m² at A + 600 m² at B
    # the share over time (阵地建设) is a click away
    assert reverse("activities:district-venue-area", args=[world.district.pk]) in section



def test_it_links_the_ratings_of_both_directions_per_committee(client, world):
    client.force_login(world.officer)

    page = text(client.get(url(world.district)))

    assert reverse("activities:district-evaluations", args=[world.district.pk]) in page


def test_the_large_venue_share_counts_a_committee_whose_venues_add_up_to_500_square_metres(
    client, world
):
    c = CommitteeFactory(district=world.district)
    VenueFactory(committee=c, area=Decimal("250"))
    VenueFactory(committee=c, area=Decimal("250"))
    VenueFactory(committee=world.a, area=Decimal("199.9"))  # A: 499.9 m², still under
    client.force_login(world.officer)

    stats, _ = totals(client.get(url(world.district)))

    assert stats[0] == "3"
    assert stats[-1] == "67%"  # B and the new committee, of three


def test_it_says_so_when_the_district_has_no_committees_yet(client, world):
    empty = DistrictFactory()
    grant(world.officer, "district_officer", empty)
    client.force_login(world.officer)

    response = client.get(url(empty))
    listed = client.get(committees_url(empty))

    assert response.status_code == listed.status_code == 200
    assert cards(listed) == {}
    create = reverse("committees:committee-create", kwargs={"district_pk": empty.pk})
    for page in (response, listed):
        assert "No committees yet." in text(page) and create in text(page)
    stats, _ = totals(response)
    assert stats == ["0", "0", "0 / 0", "0", "0", "0", "0%"]


def test_it_lists_only_the_district_s_own_committees(client, world):
    other = CommitteeFactory(name="别区社区")  # in another district
    grant(world.officer, "district_officer", other.district)
    client.force_login(world.officer)

    response = client.get(committees_url(world.district))

    assert set(cards(response)) == {world.a.pk, world.b.pk}
    assert "别区社区" not in text(response)
    assert "别区社区" not in text(client.get(url(world.district)))


def test_it_pages_the_committees_twenty_five_at_a_time(client, world):
    add_committees(world.district, 24, unit=world.unit, groups=0, members=1)  # 26 in all
    client.force_login(world.officer)

    first = client.get(committees_url(world.district))
    second = client.get(committees_url(world.district), {"page": 2})

    assert len(cards(first)) == 25
    assert len(cards(second)) == 1
    assert set(cards(first)).isdisjoint(cards(second))
    assert "Page 1 of 2" in text(first) and "?page=2" in text(first)
    assert "Page 2 of 2" in text(second)
    # the district page compares all of them, and links to the list
    district_page = client.get(url(world.district))
    assert totals(district_page)[0][0] == "26"
    assert f'href="{committees_url(world.district)}"' in text(district_page)


def test_the_number_of_queries_does_not_grow_with_the_district(
    client, world, django_assert_num_queries
):
    client.force_login(world.officer)
    figures.count_all()  # as Celery beat does
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        small = client.get(url(world.district))

    with django_assert_num_queries(COMMITTEES_PAGE_QUERIES):
        small_list = client.get(committees_url(world.district))

    add_committees(world.district, 28, unit=world.unit, groups=3, members=6)  # 30 in all
    figures.count_all()
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        large = client.get(url(world.district))
    with django_assert_num_queries(COMMITTEES_PAGE_QUERIES):
        large_list = client.get(committees_url(world.district))

    assert len(small.context["board"].rows) == 2 and len(large.context["board"].rows) == 30
    assert len(cards(small_list)) == 2
    assert len(cards(large_list)) == 25
    assert totals(large)[0][0] == "30"


def test_in_service_groups_and_party_groups_are_not_counted_as_branches(client, world):
    group = InServiceGroup.objects.create(committee=world.a, name="在职党员小组")
    CheckIn.objects.create(
        member=MemberFactory(committee=world.a, branch=None, outside_organisation="市直机关工委",
                             category="in_service"),
        committee=world.a, status=CheckInStatus.CONFIRMED, group=group)
    client.force_login(world.officer)

    response = client.get(url(world.district))
    stats, section = totals(response)

    assert stats[2] == "4 / 1"  # branches / party groups, as without the in-service group
    assert stats[3] == "1"
    assert "in-service members checked in, in 1 group" in section
    listed = client.get(committees_url(world.district))
    assert cards(listed)[world.a.pk][3:5] == [1, 1]  # in-service groups (checked in)
