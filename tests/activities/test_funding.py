"""Funding lines (四个一点) of activities and projects: the rules of saving and deleting one,
totals by source in exact Decimal, who sees money, the pages, and the audit of corrections."""

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import funding
from activities.models import ActivityStatus, Funding, FundingSource
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    DistrictFactory,
    FundingFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from units.models import Project


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def activity(world):
    return ActivityFactory(committee=world.a, title="重阳节敬老活动")


@pytest.fixture
def project(world):
    return Project.objects.create(committee=world.a, title="清洁家园", owner="社区党委")


@pytest.fixture
def liaison(world):
    user = UserFactory(username="hospital_liaison")
    grant(user, "unit_liaison", world.unit)
    return user


def new_line(**fields):
    fields.setdefault("source", FundingSource.COMMUNITY)
    fields.setdefault("amount", Decimal("100.00"))
    fields.setdefault("state", "received")
    fields.setdefault("date", timezone.localdate())
    return Funding(**fields)


def form_data(**fields):
    data = {
        "source": "community", "unit": "", "donor": "社区自筹", "amount": "300.50",
        "state": "received", "date": timezone.localdate().isoformat(), "note": "",
    }
    data.update(fields)
    return data


# --- totals --------------------------------------------------------------------------------

class TestTotals:
    def test_sums_by_source_are_exact_decimals(self, world, activity, django_assert_num_queries):
        FundingFactory(activity=activity, source="community", amount=Decimal("0.10"))
        FundingFactory(activity=activity, source="community", amount=Decimal("0.20"))
        FundingFactory(activity=activity, source="unit", unit=world.unit,
                       amount=Decimal("5000.00"), state="pledged")
        FundingFactory(activity=ActivityFactory(committee=world.b), amount=Decimal("99"))

        with django_assert_num_queries(1):
            totals = funding.funding_totals(Funding.objects.filter(activity=activity))

        rows = {row["source"]: row for row in totals["sources"]}
        assert [row["source"] for row in totals["sources"]] == FundingSource.values
        assert rows["community"]["received"] == Decimal("0.30")
        assert rows["community"]["pledged"] == Decimal("0.00")
        assert rows["unit"]["pledged"] == Decimal("5000.00")
        assert rows["government"]["total"] == Decimal("0.00")
        assert totals["received"] == Decimal("0.30")
        assert totals["pledged"] == Decimal("5000.00")
        assert totals["total"] == Decimal("5000.30")
        amounts = [totals["total"], *(row["total"] for row in totals["sources"])]
        assert all(isinstance(a, Decimal) for a in amounts)

    def test_nothing_sums_to_zero(self, world):
        totals = funding.funding_totals(Funding.objects.none())
        assert totals["total"] == Decimal("0.00") and len(totals["sources"]) == 5

    def test_the_committees_year_spans_its_activities_and_projects(
        self, world, activity, project
    ):
        year = timezone.localdate().year
        FundingFactory(activity=activity, amount=Decimal("10.00"))
        funding.funding_save(line=new_line(amount=Decimal("20.00")), user=world.secretary_a,
                             project=project)
        FundingFactory(activity=activity, amount=Decimal("40.00"), date=date(year - 1, 12, 31))
        FundingFactory(activity=ActivityFactory(committee=world.b), amount=Decimal("80.00"))

        summary = funding.committee_funding_summary(world.a, year)

        assert summary["received"] == Decimal("30.00")
        assert funding.committee_funding_summary(world.a, year - 1)["total"] == Decimal("40.00")


# --- saving and deleting -------------------------------------------------------------------

class TestSave:
    def test_a_line_takes_the_committee_of_its_activity(self, world, activity):
        line = funding.funding_save(line=new_line(), user=world.secretary_a, activity=activity)
        line.refresh_from_db()
        assert (line.committee, line.activity, line.project) == (world.a, activity, None)
        assert line.created_by == world.secretary_a

    def test_a_line_takes_the_committee_of_its_project(self, world, project):
        line = funding.funding_save(line=new_line(), user=world.officer, project=project)
        assert (line.committee_id, line.project, line.activity) == (world.a.pk, project, None)

    def test_a_new_line_needs_exactly_one_target(self, world, activity, project):
        with pytest.raises(ValueError):
            funding.funding_save(line=new_line(), user=world.officer)
        with pytest.raises(ValueError):
            funding.funding_save(line=new_line(), user=world.officer, activity=activity,
                                 project=project)

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"source": "unit"}, "unit"),
            ({"source": "community", "unit": "world_unit"}, "unit"),
            ({"source": "unit", "unit": "elsewhere"}, "unit"),
            ({"amount": Decimal("0")}, "amount"),
            ({"amount": Decimal("-5")}, "amount"),
            ({"amount": Decimal("1.005")}, "amount"),
            ({"date": date.today() + timedelta(days=400)}, "date"),
        ],
        ids=["unit-without-unit", "other-source-with-unit", "unit-of-another-district",
             "zero", "negative", "three-decimals", "too-far-ahead"],
    )
    def test_it_refuses_a_bad_line_and_writes_nothing(self, world, activity, fields, field):
        units = {
            "world_unit": world.unit,
            "elsewhere": UnitFactory(district=DistrictFactory(), name="外区单位"),
        }
        fields = {k: units.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
        with pytest.raises(ValidationError) as exc:
            funding.funding_save(line=new_line(**fields), user=world.secretary_a,
                                 activity=activity)
        assert field in exc.value.error_dict
        assert not Funding.objects.exists()

    def test_a_unit_sponsorship_names_a_unit_of_the_district(self, world, activity):
        line = funding.funding_save(
            line=new_line(source="unit", unit=world.unit), user=world.secretary_a,
            activity=activity,
        )
        assert line.unit == world.unit

    def test_a_cancelled_activity_takes_no_new_line(self, world):
        cancelled = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED)
        with pytest.raises(ValidationError, match="cancelled"):
            funding.funding_save(line=new_line(), user=world.secretary_a, activity=cancelled)
        assert not Funding.objects.exists()

    def test_a_received_line_is_corrected_not_deleted(self, world, activity):
        line = FundingFactory(activity=activity, state="received")
        with pytest.raises(ValidationError, match="correct it instead"):
            funding.funding_delete(line=line, user=world.secretary_a)
        assert Funding.objects.filter(pk=line.pk).exists()

    def test_a_received_line_cannot_go_back_to_pledged_and_then_be_deleted(
        self, login, world, activity
    ):
        line = FundingFactory(activity=activity, state="received", amount=Decimal("5000"))
        client = login(world.secretary_a)
        response = client.post(reverse("activities:funding-update", args=[line.pk]),
                               form_data(state="pledged", amount="5000"))
        assert response.status_code == 400
        assert "Money received stays received" in text(response)
        line.refresh_from_db()
        assert line.state == "received"
        client.post(reverse("activities:funding-delete", args=[line.pk]))
        assert Funding.objects.filter(pk=line.pk).exists()

    def test_a_line_deleted_meanwhile_is_reported_not_a_server_error(self, world, activity):
        line = FundingFactory(activity=activity, state="pledged")
        Funding.objects.filter(pk=line.pk).delete()
        line.amount = Decimal("10")
        with pytest.raises(ValidationError, match="deleted meanwhile"):
            funding.funding_save(line=line, user=world.secretary_a)

    def test_a_date_before_2000_is_refused(self, login, world, activity):
        response = login(world.secretary_a).post(
            reverse("activities:activity-funding-create", args=[activity.pk]),
            form_data(date="0001-01-01"),
        )
        assert response.status_code == 400
        assert not Funding.objects.exists()

    def test_a_pledged_line_can_be_deleted(self, world, activity):
        line = FundingFactory(activity=activity, state="pledged")
        funding.funding_delete(line=line, user=world.secretary_a)
        assert not Funding.objects.filter(pk=line.pk).exists()


# --- the panel: money stays with the committee's side ---------------------------------------

class TestPanel:
    @pytest.mark.parametrize("persona", ["secretary_b", "branch_secretary", "member_user"])
    def test_others_get_no_panel(self, world, activity, project, persona):
        FundingFactory(activity=activity)
        user = getattr(world, persona)
        assert funding.funding_panel(user, activity=activity) is None
        assert funding.funding_panel(user, project=project) is None

    def test_the_units_liaison_gets_no_panel_either(self, world, activity, liaison):
        FundingFactory(activity=activity, source="unit", unit=world.unit)
        assert funding.funding_panel(liaison, activity=activity) is None

    @pytest.mark.parametrize("persona", ["officer", "secretary_a"])
    def test_the_committees_side_gets_lines_and_totals(self, world, activity, persona):
        FundingFactory(activity=activity, amount=Decimal("0.10"))
        FundingFactory(activity=activity, amount=Decimal("0.20"))
        FundingFactory(activity=ActivityFactory(committee=world.a), amount=Decimal("7"))

        panel = funding.funding_panel(getattr(world, persona), activity=activity)

        assert len(panel["lines"]) == 2
        assert panel["totals"]["received"] == Decimal("0.30")
        assert panel["add_url"] == reverse("activities:activity-funding-create",
                                           args=[activity.pk])
        assert panel["can_edit"] is True

    def test_a_cancelled_activity_offers_no_new_line(self, world):
        cancelled = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED)
        assert funding.funding_panel(world.secretary_a, activity=cancelled)["add_url"] is None

    def test_a_projects_panel_has_its_own_lines(self, world, project, activity):
        FundingFactory(activity=activity)
        funding.funding_save(line=new_line(amount=Decimal("66.60")), user=world.officer,
                             project=project)
        panel = funding.funding_panel(world.secretary_a, project=project)
        assert [line.amount for line in panel["lines"]] == [Decimal("66.60")]
        assert panel["add_url"] == reverse("activities:project-funding-create",
                                           args=[project.pk])


# --- pages: sign-in and scope ----------------------------------------------------------------

def _urls(activity, project, line, committee):
    return {
        "activity-create": reverse("activities:activity-funding-create", args=[activity.pk]),
        "project-create": reverse("activities:project-funding-create", args=[project.pk]),
        "update": reverse("activities:funding-update", args=[line.pk]),
        "delete": reverse("activities:funding-delete", args=[line.pk]),
        "committee": reverse("activities:committee-funding", args=[committee.pk]),
    }


@pytest.fixture
def urls(world, activity, project):
    line = FundingFactory(activity=activity, state="pledged", amount=Decimal("123.45"))
    return _urls(activity, project, line, world.a)


def test_every_page_needs_sign_in(client, urls):
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_none_of_it(login, world, urls):
    client = login(world.secretary_b)
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name
        if name != "committee":  # a page to read only
            assert client.post(url, form_data()).status_code == 404, name
    assert Funding.objects.count() == 1


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_readers_of_the_activity_may_not_add_money(login, world, urls, persona):
    """They read the activity and the project (403 on adding), but not the lines or the
    committee's funding (404: they do not learn there is money)."""
    client = login(getattr(world, persona))
    expected = {"activity-create": 403, "project-create": 403, "update": 404, "delete": 404,
                "committee": 404}
    for name, url in urls.items():
        assert client.get(url).status_code == expected[name], name
        if name != "committee":
            assert client.post(url, form_data()).status_code == expected[name], name
    assert Funding.objects.count() == 1


def test_the_units_liaison_reads_its_line_but_does_not_change_it(login, world, activity, liaison):
    line = FundingFactory(activity=activity, source="unit", unit=world.unit, state="pledged")
    client = login(liaison)
    assert client.get(reverse("activities:funding-update", args=[line.pk])).status_code == 403
    assert client.post(reverse("activities:funding-delete", args=[line.pk])).status_code == 403
    assert Funding.objects.filter(pk=line.pk).exists()


# --- adding a line ----------------------------------------------------------------------------

class TestCreate:
    def test_the_secretary_adds_a_line_to_an_activity(self, login, world, activity):
        client = login(world.secretary_a)
        url = reverse("activities:activity-funding-create", args=[activity.pk])
        assert "重阳节敬老活动" in text(client.get(url))

        response = client.post(url, form_data(source="unit", unit=world.unit.pk, donor=""))

        assert response.status_code == 302 and response.url == activity.get_absolute_url()
        line = Funding.objects.get()
        assert (line.committee, line.activity, line.unit) == (world.a, activity, world.unit)
        assert line.amount == Decimal("300.50")

    def test_the_officer_adds_a_line_to_a_project(self, login, world, project):
        response = login(world.officer).post(
            reverse("activities:project-funding-create", args=[project.pk]), form_data()
        )
        assert response.status_code == 302 and response.url == project.get_absolute_url()
        assert Funding.objects.get().project == project

    def test_a_unit_sponsorship_without_its_unit_is_refused(self, login, world, activity):
        response = login(world.secretary_a).post(
            reverse("activities:activity-funding-create", args=[activity.pk]),
            form_data(source="unit"),
        )
        assert response.status_code == 400
        assert "Choose the unit that sponsors it." in text(response)
        assert not Funding.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"amount": "0"}, "greater than or equal to 0.01"),
            ({"amount": "12.345"}, "no more than 2 decimal places"),
            ({"amount": "abc"}, "Enter a number."),
            ({"date": (date.today() + timedelta(days=400)).isoformat()},
             "The date cannot be more than a year ahead."),
            ({"source": "community", "unit": "UNIT"},
             "Only a resident unit's sponsorship names a unit"),
        ],
        ids=["zero", "three-decimals", "not-a-number", "too-far-ahead", "unit-on-other-source"],
    )
    def test_bad_input_is_refused_and_nothing_written(
        self, login, world, activity, fields, message
    ):
        fields = {k: world.unit.pk if v == "UNIT" else v for k, v in fields.items()}
        response = login(world.secretary_a).post(
            reverse("activities:activity-funding-create", args=[activity.pk]),
            form_data(**fields),
        )
        assert response.status_code == 400
        assert message in text(response)
        assert not Funding.objects.exists()

    def test_a_cancelled_activity_refuses_it_on_the_form(self, login, world):
        cancelled = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED)
        response = login(world.secretary_a).post(
            reverse("activities:activity-funding-create", args=[cancelled.pk]), form_data()
        )
        assert response.status_code == 400
        assert "The activity is cancelled: it takes no new funding." in text(response)
        assert not Funding.objects.exists()


# --- correcting a line and its history --------------------------------------------------------

class TestUpdate:
    def test_correcting_a_received_line_is_audited_with_who_and_what(
        self, login, world, activity
    ):
        line = funding.funding_save(
            line=new_line(amount=Decimal("1000.00"), state="received"), user=world.officer,
            activity=activity,
        )
        client = login(world.secretary_a)
        url = reverse("activities:funding-update", args=[line.pk])

        response = client.post(url, form_data(amount="1200.00", donor="社区自筹"))

        assert response.status_code == 302
        line.refresh_from_db()
        assert line.amount == Decimal("1200.00")
        entry = LogEntry.objects.get_for_object(line).filter(
            action=LogEntry.Action.UPDATE
        ).latest()
        assert entry.actor == world.secretary_a
        assert entry.changes_dict["amount"] == ["1000.00", "1200.00"]

        page = text(client.get(url))
        assert "History" in page and "secretary_a" in page
        assert "Changed" in page and "Update" not in page  # our words, translated
        assert "amount (yuan): 1000.00 → 1200.00" in page
        assert "This money has been received" in page

    def test_bad_input_is_refused_and_the_line_unchanged(self, login, world, activity):
        line = FundingFactory(activity=activity, amount=Decimal("50.00"))
        response = login(world.secretary_a).post(
            reverse("activities:funding-update", args=[line.pk]),
            form_data(source="unit", amount="70"),
        )
        assert response.status_code == 400
        line.refresh_from_db()
        assert (line.source, line.amount) == ("community", Decimal("50.00"))
        assert not LogEntry.objects.get_for_object(line).filter(
            action=LogEntry.Action.UPDATE
        ).exists()


# --- deleting a line ---------------------------------------------------------------------------

class TestDelete:
    def test_a_pledged_line_is_deleted_after_confirmation(self, login, world, activity):
        line = FundingFactory(activity=activity, state="pledged")
        client = login(world.secretary_a)
        url = reverse("activities:funding-delete", args=[line.pk])

        assert "This cannot be undone" in text(client.get(url))
        assert Funding.objects.filter(pk=line.pk).exists()
        response = client.post(url)

        assert response.status_code == 302 and response.url == activity.get_absolute_url()
        assert not Funding.objects.filter(pk=line.pk).exists()

    def test_a_received_line_is_refused_with_the_reason(self, login, world, activity):
        line = FundingFactory(activity=activity, state="received")
        client = login(world.secretary_a)
        url = reverse("activities:funding-delete", args=[line.pk])

        page = text(client.get(url))
        assert "cannot be deleted: correct it instead" in page and "Yes, delete" not in page
        response = client.post(url)

        assert response.status_code == 409
        assert "cannot be deleted: correct it instead" in text(response)
        assert Funding.objects.filter(pk=line.pk).exists()


# --- the committee's funding of a year ---------------------------------------------------------

class TestCommitteeFunding:
    def url(self, committee):
        return reverse("activities:committee-funding", args=[committee.pk])

    def test_it_shows_the_years_totals_and_lines(self, login, world, activity, project):
        year = timezone.localdate().year
        FundingFactory(activity=activity, amount=Decimal("0.10"))
        FundingFactory(activity=activity, amount=Decimal("0.20"))
        funding.funding_save(
            line=new_line(source="unit", unit=world.unit, amount=Decimal("800"),
                          state="pledged"),
            user=world.officer, project=project,
        )
        FundingFactory(activity=activity, amount=Decimal("777.77"), date=date(year - 1, 6, 1))
        FundingFactory(activity=ActivityFactory(committee=world.b), amount=Decimal("555.55"))

        response = login(world.secretary_a).get(self.url(world.a))

        assert response.status_code == 200
        page = text(response)
        assert response.context["totals"]["received"] == Decimal("0.30")
        assert "重阳节敬老活动" in page and "清洁家园" in page and "运城市第一医院" in page
        assert "777.77" not in page and "555.55" not in page
        assert page.count('data-testid="funding-line"') == 3

        last_year = text(login(world.secretary_a).get(self.url(world.a), {"year": year - 1}))
        assert "777.77" in last_year and "0.30" not in last_year

    def test_it_pages_by_25_in_the_same_queries(
        self, login, world, activity, django_assert_num_queries
    ):
        client = login(world.secretary_a)
        for _ in range(3):
            FundingFactory(activity=activity)
        # session, user, scope (2), the committee (writers only), totals, count, lines
        expected = 6 + session_queries()
        with django_assert_num_queries(expected):
            response = client.get(self.url(world.a))
        assert len(response.context["page"]) == 3
        for _ in range(27):
            FundingFactory(activity=ActivityFactory(committee=world.a))
        with django_assert_num_queries(expected):
            response = client.get(self.url(world.a))
        assert len(response.context["page"]) == 25
        with django_assert_num_queries(expected):
            response = client.get(self.url(world.a), {"page": 2})
        assert len(response.context["page"]) == 5

    def test_the_year_switcher_goes_on_to_next_year_and_stops_there(self, login, world):
        client = login(world.secretary_a)
        year = timezone.localdate().year
        this_year = text(client.get(self.url(world.a)))
        assert f'href="?year={year - 1}"' in this_year and f'href="?year={year + 1}"' in this_year
        next_year = text(client.get(self.url(world.a), {"year": year + 1}))
        assert f'href="?year={year}"' in next_year and f'href="?year={year + 2}"' not in next_year

    def test_an_empty_year_says_so(self, login, world):
        page = text(login(world.officer).get(self.url(world.a), {"year": 2001}))
        assert "No funding recorded for this year." in page
