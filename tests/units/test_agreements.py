"""Co-building agreements: the committee's list, creating and editing them, renewing and ending
them, and the part-time seats made from them."""

import html
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees.models import Seat, SeatRole
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    DistrictFactory,
    FundingFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from units import agreements
from units.models import Agreement, AgreementStatus

# Session (when not cached), user, role assignments, member, committee, can_write, count, rows,
# partners.
AGREEMENT_LIST_QUERIES = 6 + session_queries()


def text(response):
    return html.unescape(response.content.decode())


def plain(response):
    """The page's text without tags, spaces collapsed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def today():
    return timezone.localdate()


def make_agreement(world, *, unit=None, committee=None, status=AgreementStatus.IN_FORCE,
                   starts_on=date(2024, 1, 1), ends_on=None, **extra):
    return Agreement.objects.create(
        unit=unit or world.unit, committee=committee or world.a,
        starts_on=starts_on, ends_on=ends_on or date(today().year + 2, 12, 31),
        signed_on=starts_on if status != AgreementStatus.DRAFT else None,
        status=status, committee_commits="开放党群服务中心场地", unit_commits="每季度志愿服务一次",
        **extra,
    )


def make_seat(agreement, name="王建国", **extra):
    fields = {"term_start": agreement.starts_on, "term_end": agreement.ends_on, **extra}
    return Seat.objects.create(
        committee=agreement.committee, role=SeatRole.PART_TIME, unit=agreement.unit,
        holder_name=name, agreement=agreement, **fields,
    )


def url(name, obj):
    return reverse(f"units:{name}", args=[obj.pk])


def form_data(world, **overrides):
    return {
        "unit": world.unit.pk, "status": AgreementStatus.IN_FORCE, "signed_on": "2025-03-01",
        "starts_on": "2025-03-01", "ends_on": "2028-02-29",
        "committee_commits": "开放党群服务中心场地", "unit_commits": "每季度进社区志愿服务一次",
        **overrides,
    }


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_the_committees_agreements_with_their_status(login, world):
    make_agreement(world)
    other = UnitFactory(district=world.district, name="盐湖区实验中学")
    make_agreement(world, unit=other, ends_on=today() - timedelta(days=1))
    make_agreement(world, unit=UnitFactory(district=world.district, name="运城学院"),
                   committee=world.b)

    page = text(login(world.secretary_a).get(url("agreement-list", world.a)))

    assert "运城市第一医院" in page and "盐湖区实验中学" in page
    assert "运城学院" not in page  # committee B's
    assert "2 agreements" in page
    assert "Expired" in page and "In force" in page


def test_the_list_filters_by_status_expired_being_in_force_past_its_end(login, world):
    running = make_agreement(world)
    expired = make_agreement(
        world, unit=UnitFactory(district=world.district), ends_on=today() - timedelta(days=1)
    )
    draft = make_agreement(
        world, unit=UnitFactory(district=world.district), status=AgreementStatus.DRAFT
    )
    client = login(world.secretary_a)

    def shown(status):
        response = client.get(url("agreement-list", world.a), {"status": status})
        return [a.pk for a in response.context["page"]]

    assert shown("expired") == [expired.pk]
    assert shown("in_force") == [running.pk]
    assert shown("draft") == [draft.pk]
    assert shown("ended") == []
    assert "No agreement has that status." in text(
        client.get(url("agreement-list", world.a), {"status": "ended"})
    )


def test_the_list_flags_agreements_ending_within_30_days(login, world):
    make_agreement(world, ends_on=today() + timedelta(days=30))
    make_agreement(world, unit=UnitFactory(district=world.district),
                   ends_on=today() + timedelta(days=31))

    response = login(world.secretary_a).get(url("agreement-list", world.a))

    assert text(response).count('data-testid="expiring"') == 1


def test_the_list_says_so_when_there_are_none(login, world):
    page = text(login(world.secretary_a).get(url("agreement-list", world.a)))
    assert "No co-building agreements yet." in page
    assert reverse("units:agreement-create", args=[world.a.pk]) in page


def test_the_list_needs_login(client, world):
    response = client.get(url("agreement-list", world.a))
    assert response.status_code == 302 and "/login/" in response.url


def test_another_committees_secretary_sees_nothing_of_the_agreements(login, world):
    agreement = make_agreement(world)
    client = login(world.secretary_b)

    assert client.get(url("agreement-list", world.a)).status_code == 404
    assert client.get(url("agreement-detail", agreement)).status_code == 404
    assert client.post(url("agreement-create", world.a), form_data(world)).status_code == 404
    assert Agreement.objects.count() == 1


def test_a_member_reads_the_list_but_cannot_add(login, world):
    client = login(world.member_user)
    assert client.get(url("agreement-list", world.a)).status_code == 200
    assert client.post(url("agreement-create", world.a), form_data(world)).status_code == 403
    assert not Agreement.objects.exists()


def grow(world, n):
    for i in range(Agreement.objects.count(), n):
        unit = UnitFactory(district=world.district, name=f"共建单位{i:02d}")
        agreement = make_agreement(world, unit=unit, ends_on=today() + timedelta(days=10 + i))
        make_seat(agreement, name=f"委员{i}")


def test_the_list_spends_the_same_queries_at_two_sizes(login, world, django_assert_num_queries):
    client = login(world.secretary_a)
    grow(world, 3)
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        small = client.get(url("agreement-list", world.a))
    grow(world, 30)
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        large = client.get(url("agreement-list", world.a))
    with django_assert_num_queries(AGREEMENT_LIST_QUERIES):
        second = client.get(url("agreement-list", world.a), {"page": 2})

    assert len(small.context["page"]) == 3
    assert len(large.context["page"]) == 25
    assert len(second.context["page"]) == 5
    assert len(large.context["partners"]) == 30


# --- expiry ------------------------------------------------------------------------------------

def test_an_agreement_in_force_past_its_end_reads_as_expired(world):
    agreement = make_agreement(world, ends_on=today() - timedelta(days=1))
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.current_status == AgreementStatus.EXPIRED
    assert agreement.get_current_status_display() == "Expired"
    assert not agreement.expiring_soon
    agreement.ends_on = today()
    assert agreement.current_status == AgreementStatus.IN_FORCE


def test_expiring_agreements_are_those_in_force_ending_within_30_days(world):
    last_day = make_agreement(world, ends_on=today() + timedelta(days=30))
    ends_today = make_agreement(
        world, unit=UnitFactory(district=world.district), ends_on=today()
    )
    make_agreement(world, unit=UnitFactory(district=world.district),
                   ends_on=today() + timedelta(days=31))
    make_agreement(world, unit=UnitFactory(district=world.district),
                   ends_on=today() - timedelta(days=1))  # already expired
    make_agreement(world, unit=UnitFactory(district=world.district),
                   status=AgreementStatus.DRAFT, ends_on=today() + timedelta(days=5))
    make_agreement(world, unit=UnitFactory(district=world.district), committee=world.b,
                   ends_on=today() + timedelta(days=5))

    expiring = list(agreements.expiring_agreements(world.a))

    assert expiring == [ends_today, last_day]
    assert all(a.expiring_soon for a in expiring)


# --- create and edit ---------------------------------------------------------------------------

def test_the_secretary_records_an_agreement(login, world):
    client = login(world.secretary_a)
    form = client.get(url("agreement-create", world.a))
    response = client.post(url("agreement-create", world.a), form_data(world))

    assert form.status_code == 200
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert (agreement.committee, agreement.unit, agreement.status) == (
        world.a, world.unit, AgreementStatus.IN_FORCE
    )
    assert agreement.ends_on == date(2028, 2, 29)
    page = text(client.get(response.url))
    assert "Agreement saved." in page
    assert "开放党群服务中心场地" in page and "每季度进社区志愿服务一次" in page


def test_it_refuses_a_term_that_ends_before_it_starts(login, world):
    response = login(world.secretary_a).post(
        url("agreement-create", world.a), form_data(world, ends_on="2025-02-28")
    )
    assert response.status_code == 400
    assert "The term cannot end before it starts." in response.context["form"].errors["ends_on"]
    assert not Agreement.objects.exists()


def test_an_agreement_in_force_needs_the_day_it_was_signed(login, world):
    response = login(world.secretary_a).post(
        url("agreement-create", world.a), form_data(world, signed_on="")
    )
    assert response.status_code == 400
    assert "An agreement in force needs the day it was signed." in text(response)
    assert not Agreement.objects.exists()


def test_a_draft_needs_no_signature(login, world):
    response = login(world.secretary_a).post(
        url("agreement-create", world.a), form_data(world, signed_on="", status="draft")
    )
    assert response.status_code == 302
    assert Agreement.objects.get().status == AgreementStatus.DRAFT


def test_units_of_another_district_cannot_be_chosen(login, world):
    elsewhere = UnitFactory(district=DistrictFactory(), name="外区单位")
    client = login(world.secretary_a)

    form = client.get(url("agreement-create", world.a))
    response = client.post(url("agreement-create", world.a), form_data(world, unit=elsewhere.pk))

    assert "外区单位" not in text(form)
    assert response.status_code == 400
    assert not Agreement.objects.exists()


def test_the_service_refuses_a_unit_of_another_district(world):
    elsewhere = UnitFactory(district=DistrictFactory())
    agreement = Agreement(
        unit=elsewhere, committee=world.a, starts_on=date(2025, 1, 1), ends_on=date(2026, 1, 1),
        committee_commits="场地", unit_commits="志愿者",
    )
    with pytest.raises(ValidationError) as error:
        agreements.agreement_save(agreement=agreement, user=world.secretary_a)
    assert "unit" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_the_secretary_signs_a_draft_by_editing_it(login, world):
    draft = make_agreement(world, status=AgreementStatus.DRAFT)
    response = login(world.secretary_a).post(
        url("agreement-update", draft), form_data(world, starts_on="2024-01-01")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on) == (AgreementStatus.IN_FORCE, date(2025, 3, 1))


def test_editing_an_agreement_in_force_does_not_move_its_end(login, world):
    agreement = make_agreement(world)
    end = agreement.ends_on
    response = login(world.secretary_a).post(
        url("agreement-update", agreement),
        form_data(world, starts_on="2024-01-01", ends_on="2040-01-01", unit_commits="新承诺"),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.ends_on, agreement.unit_commits) == (end, "新承诺")


@pytest.mark.parametrize("field", ["ends_on", "unit", "status"])
def test_an_agreement_in_force_keeps_its_end_unit_and_status_when_saved(world, field):
    agreement = make_agreement(world)
    before = (agreement.ends_on, agreement.unit_id, agreement.status)
    change = {
        "ends_on": lambda: setattr(agreement, "ends_on", agreement.ends_on + timedelta(days=365)),
        "unit": lambda: setattr(agreement, "unit", UnitFactory(district=world.district)),
        "status": lambda: setattr(agreement, "status", AgreementStatus.DRAFT),
    }[field]
    change()
    with pytest.raises(ValidationError) as error:
        agreements.agreement_save(agreement=agreement, user=world.secretary_a)
    assert field in error.value.message_dict
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.ends_on, stored.unit_id, stored.status) == before


# --- scope for a unit's liaison ----------------------------------------------------------------

def test_a_liaison_reads_their_units_agreement_but_cannot_change_it(login, world, liaison):
    agreement = make_agreement(world)
    seat = make_seat(agreement)
    client = login(liaison)

    assert client.get(url("agreement-detail", agreement)).status_code == 200
    assert client.get(url("agreement-update", agreement)).status_code == 403
    renew = client.post(url("agreement-renew", agreement), {"new_end": "2040-01-01"})
    end = client.post(url("agreement-end", agreement), {"on": today().isoformat()})
    add = client.post(url("agreement-seat-create", agreement), {"holder_name": "李四"})

    assert (renew.status_code, end.status_code, add.status_code) == (403, 403, 403)
    agreement.refresh_from_db()
    seat.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE and seat.term_end == agreement.ends_on
    assert Seat.objects.filter(agreement=agreement).count() == 1


def test_a_liaison_of_another_unit_does_not_see_the_agreement(login, world):
    agreement = make_agreement(world)
    other = UserFactory(username="other_liaison")
    grant(other, "unit_liaison", UnitFactory(district=world.district))
    client = login(other)
    assert client.get(url("agreement-detail", agreement)).status_code == 404
    assert client.get(url("agreement-list", world.a)).status_code == 404


def test_the_detail_shows_both_commitments_the_term_and_the_seats(login, world):
    agreement = make_agreement(world, ends_on=date(2027, 12, 31))
    make_seat(agreement, title="党委书记")
    response = login(world.secretary_a).get(url("agreement-detail", agreement))
    page = text(response)
    assert "开放党群服务中心场地" in page and "每季度志愿服务一次" in page
    assert "2024-01-01 – 2027-12-31" in page
    assert "王建国 党委书记" in plain(response)
    for name in ("agreement-update", "agreement-renew", "agreement-end",
                 "agreement-seat-create"):
        assert url(name, agreement) in page


def test_readers_get_no_buttons(login, world):
    agreement = make_agreement(world)
    page = text(login(world.member_user).get(url("agreement-detail", agreement)))
    assert url("agreement-update", agreement) not in page
    assert url("agreement-renew", agreement) not in page


# --- renew -------------------------------------------------------------------------------------

def test_renewing_extends_the_term_and_the_seats_that_ended_with_it(login, world):
    agreement = make_agreement(world, ends_on=date(2026, 12, 31))
    with_it = make_seat(agreement)
    earlier = make_seat(agreement, name="李四", term_end=date(2025, 6, 30))
    other = Seat.objects.create(
        committee=world.a, role=SeatRole.PART_TIME, unit=world.unit, holder_name="赵六",
        term_start=date(2024, 1, 1), term_end=date(2026, 12, 31),
    )
    client = login(world.secretary_a)

    form = client.get(url("agreement-renew", agreement))
    response = client.post(url("agreement-renew", agreement), {"new_end": "2029-12-31"})

    assert "2026-12-31" in text(form)  # the current end is said
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    agreement.refresh_from_db()
    assert agreement.ends_on == date(2029, 12, 31)
    assert Seat.objects.get(pk=with_it.pk).term_end == date(2029, 12, 31)
    assert Seat.objects.get(pk=earlier.pk).term_end == date(2025, 6, 30)
    assert Seat.objects.get(pk=other.pk).term_end == date(2026, 12, 31)  # not from it
    assert "Agreement renewed." in text(client.get(response.url))


def test_an_expired_agreement_can_be_renewed(world):
    agreement = make_agreement(world, ends_on=today() - timedelta(days=10))
    agreements.agreement_renew(
        agreement=agreement, new_end=today() + timedelta(days=700), user=world.secretary_a
    )
    agreement.refresh_from_db()
    assert agreement.current_status == AgreementStatus.IN_FORCE


@pytest.mark.parametrize("new_end", ["2026-12-31", "2025-01-01"], ids=["same", "earlier"])
def test_renewing_to_an_earlier_end_is_refused(login, world, new_end):
    agreement = make_agreement(world, ends_on=date(2026, 12, 31))
    seat = make_seat(agreement)

    response = login(world.secretary_a).post(
        url("agreement-renew", agreement), {"new_end": new_end}
    )

    assert response.status_code == 400
    assert "The new end must be later than the current end, 2026-12-31." in text(response)
    agreement.refresh_from_db()
    seat.refresh_from_db()
    assert agreement.ends_on == seat.term_end == date(2026, 12, 31)


def test_a_draft_or_an_ended_agreement_is_not_renewed(world):
    draft = make_agreement(world, status=AgreementStatus.DRAFT, ends_on=date(2026, 12, 31))
    ended = make_agreement(world, unit=UnitFactory(district=world.district),
                           status=AgreementStatus.ENDED, ended_on=date(2025, 1, 1),
                           ends_on=date(2026, 12, 31))
    for agreement in (draft, ended):
        with pytest.raises(ValidationError):
            agreements.agreement_renew(
                agreement=agreement, new_end=date(2030, 1, 1), user=world.secretary_a
            )
        agreement.refresh_from_db()
        assert agreement.ends_on == date(2026, 12, 31)


# --- end ---------------------------------------------------------------------------------------

def test_ending_asks_for_the_day_and_closes_the_open_seats(login, world):
    agreement = make_agreement(world)
    seat = make_seat(agreement)
    open_ended = make_seat(agreement, name="李四", term_end=None)
    long_over = make_seat(agreement, name="赵六", term_end=date(2024, 6, 30))
    on = today() - timedelta(days=3)
    client = login(world.secretary_a)

    confirm = client.get(url("agreement-end", agreement))
    response = client.post(url("agreement-end", agreement), {"on": on.isoformat()})

    assert "2 part-time seats made from it end on the same day." in text(confirm)
    assert 'name="on"' in text(confirm)
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.ended_on) == (AgreementStatus.ENDED, on)
    assert Seat.objects.get(pk=seat.pk).term_end == on
    assert Seat.objects.get(pk=open_ended.pk).term_end == on
    assert Seat.objects.get(pk=long_over.pk).term_end == date(2024, 6, 30)
    page = text(client.get(response.url))
    assert "Agreement ended." in page and "Ended" in page


def test_an_agreement_is_not_ended_on_a_future_day(login, world):
    agreement = make_agreement(world)
    seat = make_seat(agreement)

    response = login(world.secretary_a).post(
        url("agreement-end", agreement), {"on": (today() + timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 400
    assert "An agreement cannot be ended on a future day." in text(response)
    agreement.refresh_from_db()
    seat.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE and seat.term_end == agreement.ends_on


def test_an_agreement_is_not_ended_before_it_started(world):
    agreement = make_agreement(world, starts_on=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="2024-01-01"):
        agreements.agreement_end(agreement=agreement, on=date(2023, 12, 31), user=None)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE


def test_an_ended_agreement_is_not_ended_again(world):
    agreement = make_agreement(world, status=AgreementStatus.ENDED, ended_on=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="already ended"):
        agreements.agreement_end(agreement=agreement, on=today(), user=None)
    agreement.refresh_from_db()
    assert agreement.ended_on == date(2025, 1, 1)


# --- seats from an agreement -------------------------------------------------------------------

def test_the_secretary_makes_a_part_time_seat_from_the_agreement(login, world):
    agreement = make_agreement(world, starts_on=date(2024, 1, 1), ends_on=date(2030, 6, 30))
    client = login(world.secretary_a)

    response = client.post(
        url("agreement-seat-create", agreement),
        {"holder_name": " 王建国 ", "title": "党委书记", "commitment": "每月到社区报到一次"},
    )

    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    seat = Seat.objects.get(agreement=agreement)
    assert (seat.committee, seat.role, seat.unit, seat.holder_name, seat.member) == (
        world.a, SeatRole.PART_TIME, world.unit, "王建国", None
    )
    assert (seat.term_start, seat.term_end) == (today(), date(2030, 6, 30))
    assert "王建国 党委书记" in plain(client.get(response.url))
    committee_page = text(client.get(world.a.get_absolute_url()))
    assert "王建国" in committee_page and "每月到社区报到一次" in committee_page


def test_a_seat_from_an_agreement_not_yet_started_starts_with_it(world):
    start = today() + timedelta(days=40)
    agreement = make_agreement(world, starts_on=start)
    seat = agreements.agreement_seat_create(
        agreement=agreement, holder_name="王建国", title="", commitment="", user=None
    )
    assert seat.term_start == start


@pytest.mark.parametrize(
    "state",
    [
        {"status": AgreementStatus.DRAFT},
        {"ends_on": date(2024, 12, 31)},  # expired
        {"status": AgreementStatus.ENDED, "ended_on": date(2024, 6, 30)},
    ],
    ids=["draft", "expired", "ended"],
)
def test_no_seat_is_made_from_an_agreement_not_in_force(login, world, state):
    agreement = make_agreement(world, **state)

    response = login(world.secretary_a).post(
        url("agreement-seat-create", agreement), {"holder_name": "王建国"}
    )

    assert response.status_code == 400
    assert "Seats are made only from an agreement in force." in text(response)
    assert not Seat.objects.filter(holder_name="王建国").exists()


def test_a_seat_needs_a_name(login, world):
    agreement = make_agreement(world)
    response = login(world.secretary_a).post(
        url("agreement-seat-create", agreement), {"holder_name": "  "}
    )
    assert response.status_code == 400
    assert not Seat.objects.filter(agreement=agreement).exists()


def test_partners_money_is_shown_only_to_the_committees_side(login, world, liaison):
    """The partners card comes from activities (core.sections); the amounts are the
    committee's side's, whoever else reads the list."""
    agreement = make_agreement(world)
    FundingFactory(activity=ActivityFactory(committee=world.a), unit=agreement.unit,
                   source="unit", amount="8000.00")

    def partner_rows(user):
        page = text(login(user).get(url("agreement-list", world.a)))
        return re.findall(r'data-testid="partner">.*?</li>', page, flags=re.S)

    assert "¥8,000.00" in partner_rows(world.secretary_a)[0]
    for reader in (world.member_user, world.branch_secretary, liaison):
        rows = partner_rows(reader)
        assert rows and world.unit.name in rows[0]  # the card is there
        assert "¥" not in rows[0]                     # without the money
