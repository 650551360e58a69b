"""Resident units: the list, adding and editing a unit, and its page."""

import html
from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import session_queries
from tests.factories import CommitteeFactory, DistrictFactory, UnitFactory, UserFactory, grant
from units.models import Agreement, Unit, UnitKind

# Session (when not cached), user, role assignments, member, may-add check, count, rows, the
# committees the page's units' organisations are members of.
UNIT_LIST_QUERIES = 6 + session_queries()


def text(response):
    return html.unescape(response.content.decode())


LIST_URL = reverse("units:unit-list")
CREATE_URL = reverse("units:unit-create")


def edit_url(unit):
    return reverse("units:unit-update", args=[unit.pk])


def unit_data(**overrides):
    return {
        "name": "盐湖区人民法院", "kind": UnitKind.GOVERNMENT, "address": "盐湖区河东街 88 号",
        "contact_name": "张法官", "contact_phone": "0359-2222333",
        "party_organisation_name": "", "party_member_count": "46", **overrides,
    }


@pytest.fixture
def liaison(world):
    user = UserFactory(username="liaison")
    grant(user, "unit_liaison", world.unit)
    return user


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_the_districts_units(login, world):
    UnitFactory(district=world.district, name="盐湖区实验中学")
    UnitFactory(district=DistrictFactory(), name="外区单位")

    page = text(login(world.secretary_a).get(LIST_URL))

    assert "运城市第一医院" in page and "盐湖区实验中学" in page
    assert "外区单位" not in page
    assert "2 units" in page


def test_the_list_filters_by_kind_and_searches_by_name(login, world):
    UnitFactory(district=world.district, name="盐湖区实验中学", kind=UnitKind.SCHOOL)
    UnitFactory(district=world.district, name="运城学院", kind=UnitKind.SCHOOL)
    client = login(world.officer)

    def shown(**params):
        return [u.name for u in client.get(LIST_URL, params).context["page"]]

    assert shown(kind="school") == ["盐湖区实验中学", "运城学院"]
    assert shown(q="运城") == ["运城学院", "运城市第一医院"]
    assert shown(q="运城", kind="school") == ["运城学院"]


def test_the_list_says_so_when_nothing_matches(login, world):
    page = text(login(world.officer).get(LIST_URL, {"q": "没有这个单位"}))
    assert "No unit matches." in page


def test_the_list_says_so_when_the_district_has_no_units(login, world):
    world.unit.delete()
    page = text(login(world.officer).get(LIST_URL))
    assert "No resident units recorded yet." in page
    assert CREATE_URL in page


def test_the_list_needs_login(client, world):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/login/" in response.url


def grow(district, n):
    for i in range(Unit.objects.filter(district=district).count(), n):
        unit = UnitFactory(district=district, name=f"共建单位{i:02d}")
        committee = district.committees.first()
        Agreement.objects.create(
            unit=unit, committee=committee, starts_on=date(2025, 1, 1), ends_on=date(2099, 1, 1),
            signed_on=date(2025, 1, 1), status="in_force", committee_commits="场地",
            unit_commits="志愿者",
        )


def test_the_list_spends_the_same_queries_at_two_sizes(login, world, django_assert_num_queries):
    client = login(world.secretary_a)
    grow(world.district, 3)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        small = client.get(LIST_URL)
    grow(world.district, 30)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        large = client.get(LIST_URL)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        second = client.get(LIST_URL, {"page": 2})

    assert len(small.context["page"]) == 3
    assert len(large.context["page"]) == 25
    assert len(second.context["page"]) == 5
    assert "1 agreement in force" in text(large)


# --- add ---------------------------------------------------------------------------------------

def test_the_officer_adds_a_unit_to_their_district(login, world):
    client = login(world.officer)
    response = client.post(CREATE_URL, unit_data())

    unit = Unit.objects.get(name="盐湖区人民法院")
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    assert (unit.district, unit.kind, unit.party_member_count) == (world.district, "government", 46)
    assert "Unit added." in text(client.get(response.url))


def test_a_committee_secretary_adds_a_unit_to_their_committees_district(login, world):
    response = login(world.secretary_b).post(CREATE_URL, unit_data())
    assert response.status_code == 302
    assert Unit.objects.get(name="盐湖区人民法院").district == world.district


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_readers_cannot_add_a_unit(login, world, persona):
    response = login(getattr(world, persona)).post(CREATE_URL, unit_data())
    assert response.status_code == 403
    assert not Unit.objects.filter(name="盐湖区人民法院").exists()


def test_a_second_unit_of_the_same_name_is_refused(login, world):
    response = login(world.officer).post(CREATE_URL, unit_data(name="运城市第一医院"))

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "The district already has a unit of that name."
    ]
    assert Unit.objects.filter(name="运城市第一医院").count() == 1


def test_another_district_may_have_a_unit_of_the_same_name(login, world):
    other = DistrictFactory(name="永济市")
    officer = UserFactory(username="other_officer")
    grant(officer, "district_officer", other)

    response = login(officer).post(CREATE_URL, unit_data(name="运城市第一医院"))

    assert response.status_code == 302
    assert Unit.objects.get(name="运城市第一医院", district=other)


def test_a_unit_needs_a_name_and_a_kind(login, world):
    response = login(world.officer).post(CREATE_URL, unit_data(name="", kind=""))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "kind"}
    assert Unit.objects.count() == 1


# --- edit --------------------------------------------------------------------------------------

def test_the_liaison_edits_their_unit(login, world, liaison):
    response = login(liaison).post(
        edit_url(world.unit), unit_data(name="运城市第一医院", contact_phone="0359-8888888")
    )
    assert response.status_code == 302
    world.unit.refresh_from_db()
    assert world.unit.contact_phone == "0359-8888888"
    assert world.unit.district == world.district


def test_renaming_a_unit_to_a_taken_name_is_refused(login, world):
    UnitFactory(district=world.district, name="盐湖区实验中学")
    response = login(world.officer).post(edit_url(world.unit), unit_data(name="盐湖区实验中学"))
    assert response.status_code == 400
    assert "The district already has a unit of that name." in text(response)
    world.unit.refresh_from_db()
    assert world.unit.name == "运城市第一医院"


def test_a_secretary_reads_a_unit_but_cannot_edit_it(login, world):
    client = login(world.secretary_a)
    assert client.get(world.unit.get_absolute_url()).status_code == 200
    response = client.post(edit_url(world.unit), unit_data(name="改名"))
    assert response.status_code == 403
    world.unit.refresh_from_db()
    assert world.unit.name == "运城市第一医院"


def test_a_liaison_does_not_see_a_unit_of_another_district(login, world):
    elsewhere = UnitFactory(district=DistrictFactory(), name="外区单位")
    other = UserFactory(username="other_liaison")
    grant(other, "unit_liaison", elsewhere)
    client = login(other)

    assert client.get(world.unit.get_absolute_url()).status_code == 404
    assert client.post(edit_url(world.unit), unit_data()).status_code == 404
    assert [u.name for u in client.get(LIST_URL).context["page"]] == ["外区单位"]


# --- the unit's page ---------------------------------------------------------------------------

def test_the_page_shows_the_unit_and_its_ledger(login, world, liaison):
    page = text(login(liaison).get(world.unit.get_absolute_url()))
    year = date.today().year
    assert "运城市第一医院" in page
    assert f"Shared results {year}" in page
    assert f"{reverse('activities:unit-ledger-export', args=[world.unit.pk])}?year={year}" in page
    assert edit_url(world.unit) in page


def test_the_page_shows_no_edit_button_to_readers(login, world):
    page = text(login(world.secretary_a).get(world.unit.get_absolute_url()))
    assert edit_url(world.unit) not in page


@pytest.mark.parametrize(
    ("asked", "shown"), [("2024", 2024), ("abc", None), ("1900", None)]
)
def test_the_page_takes_a_year_and_clamps_it(login, world, asked, shown):
    response = login(world.officer).get(world.unit.get_absolute_url(), {"year": asked})
    assert response.context["year"] == (shown or date.today().year)


def test_the_year_switcher_goes_back_and_stops_at_this_year(login, world):
    client = login(world.officer)
    year = date.today().year
    this_year = text(client.get(world.unit.get_absolute_url()))
    assert f'href="?year={year - 1}"' in this_year and f'href="?year={year + 1}"' not in this_year
    last_year = text(client.get(world.unit.get_absolute_url(), {"year": year - 1}))
    assert f'href="?year={year - 2}"' in last_year and f'href="?year={year}"' in last_year


def test_the_page_needs_login(client, world):
    response = client.get(world.unit.get_absolute_url())
    assert response.status_code == 302 and "/login/" in response.url


def test_the_liaisons_are_named_only_to_the_unit_its_district_and_partner_committees(
    login, world, liaison
):
    def names_liaison(user):
        page = text(login(user).get(world.unit.get_absolute_url()))
        return 'data-testid="unit-liaisons"' in page and "liaison" in page

    assert names_liaison(liaison) and names_liaison(world.officer)
    assert not names_liaison(world.secretary_a)  # no agreement with the unit
    assert not names_liaison(world.member_user)
    Agreement.objects.create(committee=world.a, unit=world.unit, starts_on=date(2026, 1, 1),
                             ends_on=date(2028, 12, 31), status="in_force")
    assert names_liaison(world.secretary_a)  # the committee's side of a partner
    assert not names_liaison(world.secretary_b)


# Session, user, role assignments, member; the unit; the write check; its party
# organisations; its liaisons (for those who see them); the notices card (one query, only for
# the unit's liaisons, who sign and answer its notices); and the ledger card (activities):
# agreements, seats, projects, needs, resources, activities, attendance, funding lines.
UNIT_PAGE_QUERIES = {"officer": 13, "liaison": 16, "secretary_a": 13}


def grow_ledger(world, n):
    for i in range(Agreement.objects.filter(unit=world.unit).count(), n):
        committee = CommitteeFactory(district=world.district, name=f"共建社区{i}")
        Agreement.objects.create(committee=committee, unit=world.unit, starts_on=date(2024, 1, 1),
                                 ends_on=date(2030, 12, 31), status="in_force")


@pytest.mark.parametrize("persona", list(UNIT_PAGE_QUERIES))
def test_the_page_spends_the_same_queries_at_two_sizes_and_names_liaisons_once(
    login, world, liaison, persona, django_assert_num_queries
):
    user = liaison if persona == "liaison" else getattr(world, persona)
    client = login(user)
    grow_ledger(world, 1)
    with django_assert_num_queries(UNIT_PAGE_QUERIES[persona] + session_queries()):
        small = client.get(world.unit.get_absolute_url())
    grow_ledger(world, 8)
    with django_assert_num_queries(UNIT_PAGE_QUERIES[persona] + session_queries()):
        large = client.get(world.unit.get_absolute_url())
    small_rows, large_rows = (len(r.context["ledger"].agreements) for r in (small, large))
    if persona == "secretary_a":  # other committees' agreements stay theirs
        assert small_rows == large_rows == 0
    else:
        assert small_rows < large_rows
