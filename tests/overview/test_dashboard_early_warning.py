"""The district dashboard's early warning (抓早抓小): open matters at risk of escalation
(上访苗头) and the share of closed matters settled at the grass roots, counted from the
matters; a flagged column in the comparison linking to the committee's flagged matters; the
page's queries as pinned for the whole dashboard."""

import io
import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import MatterFactory, MemberFactory
from tests.overview.test_dashboard import Q1_2026, comparison, get, label_of, page_text, stat
from tests.overview.test_district_detail import DISTRICT_PAGE_QUERIES


@pytest.fixture
def officer(client, world):
    client.force_login(world.officer)
    return client


@pytest.fixture
def disputes(world):
    a, b = world.a, world.b
    mediator = MemberFactory(committee=a, category="small_business", name="王商户")
    day = date(2026, 1, 10)
    MatterFactory(committee=a, title="有苗头未办", risk_flag=True)
    MatterFactory(committee=a, title="有苗头办理中", risk_flag=True, status="in_progress",
                  decision="办")
    MatterFactory(committee=a, title="现场调解", risk_flag=True, status="resolved",
                  resolved_on=day, raised_on=day, outcome="on_the_spot", mediator=mediator)
    MatterFactory(committee=a, title="议事解决", status="resolved", resolved_on=day,
                  raised_on=day)
    MatterFactory(committee=b, title="上报", status="escalated", escalated_to="街道",
                  risk_flag=True)
    MatterFactory(committee=b, title="有苗头未办B", risk_flag=True)
    MatterFactory(committee=b, title="普通未办")


def test_the_dashboard_counts_flagged_matters_and_the_share_settled_at_the_grass_roots(
    officer, world, disputes
):
    response = get(officer, world.district, Q1_2026)
    # closed: on the spot, deliberated, escalated: two of three settled here
    assert stat(response, "fig-grass-roots") == "67%"
    words = page_text(response)
    assert re.search(r"\D2\D+3\D+1\D", label_of(response, "fig-grass-roots"))
    # open and flagged: two in A, one in B (the escalated and the resolved ones are not open)
    assert stat(response, "fig-flagged") == "3"
    rows = dict(comparison(response))
    assert rows[world.a.pk][-1] == "2" and rows[world.b.pk][-1] == "1"
    assert f'href="/committees/{world.a.pk}/matters/?flagged=on"' in words


def test_a_district_without_closed_matters_shows_no_share(officer, world):
    MatterFactory(committee=world.a)
    response = get(officer, world.district, Q1_2026)
    assert stat(response, "fig-grass-roots") == "—"
    assert stat(response, "fig-flagged") == "0"


def test_a_flag_shows_on_the_next_view_when_the_page_is_not_kept(officer, world, disputes):
    before = stat(get(officer, world.district, Q1_2026), "fig-flagged")
    MatterFactory(committee=world.a, risk_flag=True)
    after = stat(get(officer, world.district, Q1_2026), "fig-flagged")
    assert (before, after) == ("3",
                               "4")


@override_settings(DASHBOARD_SNAPSHOT_SECONDS=300)
def test_a_kept_page_shows_the_flag_after_its_keeping_time_as_it_says(
    officer, world, disputes
):
    from django.core.cache import cache

    cache.clear()
    first = get(officer, world.district, Q1_2026)
    MatterFactory(committee=world.a, risk_flag=True)
    kept = get(officer, world.district, Q1_2026)
    assert stat(kept, "fig-flagged") == stat(first, "fig-flagged")
    cache.clear()  # the keeping time is over
    assert stat(get(officer, world.district, Q1_2026), "fig-flagged") == (
        "4")


def test_the_queries_stay_pinned_with_flags(officer, world, disputes,
                                            django_assert_num_queries):
    from overview import figures

    figures.count_all()
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        get(officer, world.district, Q1_2026)
    for n in range(20):
        MatterFactory(committee=world.b, risk_flag=bool(n % 2), raised_on=timezone.localdate())
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        response = get(officer, world.district, Q1_2026)
    assert stat(response, "fig-flagged") == "13"


def test_the_excel_has_the_flagged_column_and_the_figures(officer, world, disputes):
    export = reverse("overview:district-dashboard-export", args=[world.district.pk])
    book = load_workbook(io.BytesIO(officer.get(export, Q1_2026).content))
    committees = list(book.worksheets[0].values)
    assert committees[0][-1] == "At risk of escalation"
    by_name = {row[0]: row[-1] for row in committees[1:]}
    assert by_name == {world.a.name: 2, world.b.name: 1}
    figures = {row[1]: row[2] for row in book.worksheets[1].values if row[0] == "Matters"}
    assert figures == {"At risk of escalation, open": 3, "Closed": 3,
                       "Settled at the grass roots": 2, "Mediated on the spot": 1}
