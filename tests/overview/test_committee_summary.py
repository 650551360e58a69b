"""The printable one-page summary of a committee: its figures for the period counted by hand
(the records of ``test_reports``), print CSS and button without inline code, a refused
period, and a fixed number of queries."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from tests.committees.data import add_committees
from tests.conftest import session_queries
from tests.factories import ActivityFactory, MemberFactory
from tests.overview.test_reports import Q2, local, records  # noqa: F401 (a fixture)


def get(client, committee, params=None):
    return client.get(reverse("overview:committee-summary", args=[committee.pk]),
                      Q2 if params is None else params)


def section(response, testid) -> str:
    """The words of one block of the page."""
    page = html.unescape(response.content.decode())
    found = re.search(rf'data-testid="{testid}">(.*?)</section>', page, re.S)
    return " ".join(strip_tags(re.sub(r"<[^>]+>", " ", found[1])).split())


@pytest.fixture
def secretary(client, world):
    client.force_login(world.secretary_a)
    return client


def test_it_shows_the_committee_s_figures_for_the_period(secretary, world, records):  # noqa: F811
    response = get(secretary, world.a)
    assert response.status_code == 200
    assert "Q2 2025 (2025-04-01 – 2025-06-30)" in html.unescape(response.content.decode())
    assert section(response, "summary-members") == (
        "Members 4 Small business / self-employed (小个专) 1 Retired cadre 1 In-service 1 "
        "Community resident 1 Other 0")
    assert section(response, "summary-branches") == (
        "Branches 2 Residents' branch 1 Retired cadres' branch 1 "
        "Resident unit's party organisation 0")
    assert section(response, "summary-checkins") == (
        "Check-ins (报到) Checked in today 1 Started in the period 1")
    assert section(response, "summary-activities") == (
        "Activities 2 Joint party building 1 Joint public welfare 0 Joint services 1 "
        "Shared results 0 Attendances 3 Volunteer hours 6.5")
    assert section(response, "summary-money") == (
        "Money received (¥) 1,500.00 Government / higher department 0.00 "
        "Raised by the community 1,000.00 Resident unit sponsorship 500.00 "
        "Volunteer donations 0.00 Social support 0.00 Pledged, not yet received 200.00")
    assert section(response, "summary-compliance").startswith(
        "Meetings in 2025")
    assert "Monthly meetings held / due 2 / 12" in section(response, "summary-compliance")
    assert section(response, "summary-matters") == (
        "Matters (一事一议) Raised in the period 2 Open today 1 Overdue today 1 "
        "Resolved in the period 2 Median days to resolve 35.5")
    assert section(response, "summary-coverage") == (
        "Coverage (全覆盖) Units' organisations in the 大党委 0 / 0 Members reached 4 / 4 "
        "In-service residents checked in 1 / 1 Agreements in force 1")


def test_another_period_changes_the_flows_not_the_stock(secretary, world, records):  # noqa: F811
    response = get(secretary, world.a, {"period": "month", "year": "2025", "month": "6"})
    assert section(response, "summary-activities").startswith("Activities 1 ")
    assert "Started in the period 0" in section(response, "summary-checkins")
    assert "Checked in today 1" in section(response, "summary-checkins")
    assert section(response, "summary-members").startswith("Members 4 ")


def test_it_prints_on_one_page_with_its_own_stylesheet_and_no_inline_code(secretary, world):
    page = get(secretary, world.a).content.decode()
    assert "css/print-summary.css" in page
    assert "js/print.js" in page
    assert re.search(r"<button[^>]*data-print", page)
    assert "<style" not in page and " style=" not in page and "onclick" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # every script is a file
    css = (Path(settings.BASE_DIR) / "static/css/print-summary.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    assert "size: A4" in print_rules
    assert ".d-print-none" in print_rules and ".navbar" in print_rules


def test_a_bad_period_is_refused_with_a_message(secretary, world):
    response = get(secretary, world.a, {"period": "quarter", "year": "2025", "quarter": "5"})
    assert response.status_code == 400
    assert "Quarter must be a whole number from 1 to 4." in response.content.decode()


# Besides the session and the bell: the user, the scope (2), the committee, then the figures:
# its row, members, branches (2), check-ins, activities by line, money, matters (2), the
# compliance grids (its branches, their meetings) and coverage.
SUMMARY_QUERIES = 4 + 11


def test_the_number_of_queries_does_not_grow_with_the_committee(
    secretary, world, records, django_assert_num_queries  # noqa: F811
):
    with django_assert_num_queries(SUMMARY_QUERIES + session_queries()):
        small = get(secretary, world.a)
    add_committees(world.district, 3, unit=world.unit, groups=2, members=4)
    for _ in range(6):
        MemberFactory(committee=world.a, branch=world.a_branch, category="in_service")
        ActivityFactory(committee=world.a, line="shared_results", status="held",
                        starts_at=local(2025, 5, 1, 9), ends_at=local(2025, 5, 1, 11))
    with django_assert_num_queries(SUMMARY_QUERIES + session_queries()):
        large = get(secretary, world.a)
    assert section(small, "summary-members").startswith("Members 4 ")
    assert section(large, "summary-members").startswith("Members 10 ")
    assert "Shared results 6" in section(large, "summary-activities")
