"""Compliance: the committee's monthly meeting and a branch's 三会一课, month by month in
Shanghai time; the committee, branch and district pages and who may open them."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import terms
from meetings import compliance
from meetings.compliance import HELD, MISSING, NOT_YET_DUE
from tests.conftest import session_queries
from tests.factories import BranchFactory, CommitteeFactory, MeetingFactory


def local(*args):
    return timezone.make_aware(datetime(*args))


def held(committee, kind="monthly", at=None, branch=None, status="held"):
    at = at or local(2026, 3, 10, 15)
    return MeetingFactory(
        committee=committee, kind=kind, branch=branch, status=status, starts_at=at,
        signed_off_at=at if status == "signed_off" else None,
    )


def states(rows, kind):
    """The 12 month cells of one kind: their states."""
    row = next(r for r in rows if r.kind == kind)
    return [cell.state for cell in row.cells]


def counts(rows, kind):
    row = next(r for r in rows if r.kind == kind)
    return [cell.count for cell in row.cells]


H, M, N = HELD, MISSING, NOT_YET_DUE


# --- periods and time zones ------------------------------------------------------------------

def test_periods_are_calendar_months_quarters_and_the_year():
    months = compliance.periods(2026, "month")
    quarters = compliance.periods(2026, "quarter")
    (year,) = compliance.periods(2026, "year")
    assert len(months) == 12 and months[1].end == date(2026, 2, 28)
    assert [(q.key, q.start, q.end) for q in quarters][0] == (
        "2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
    assert quarters[3].months == (10, 11, 12)
    assert (year.key, year.end) == ("2026", date(2026, 12, 31))


def test_late_on_march_31_in_shanghai_is_march_and_the_first_quarter(world):
    held(world.a, at=local(2026, 3, 31, 23, 30))
    held(world.a, "branch_assembly", branch=world.a_branch, at=local(2026, 3, 31, 23, 30))

    committee = compliance.compliance_grid(committee=world.a, year=2026,
                                           today=date(2026, 5, 15))
    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 5, 15))

    assert counts(committee, "monthly")[2:4] == [1, 0]
    assert states(committee, "monthly")[:5] == [M, M, H, M, N]
    assert states(branch, "branch_assembly")[:6] == [H, H, H, N, N, N]


def test_half_past_midnight_on_april_1_is_april_though_it_is_march_31_in_utc(world):
    meeting = held(world.a, at=local(2026, 4, 1, 0, 30))
    held(world.a, "branch_assembly", branch=world.a_branch, at=local(2026, 4, 1, 0, 30))
    assert meeting.starts_at.astimezone(UTC).date() == date(2026, 3, 31)

    committee = compliance.compliance_grid(committee=world.a, year=2026,
                                           today=date(2026, 7, 1))
    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 7, 1))

    assert counts(committee, "monthly")[2:4] == [0, 1]
    assert states(committee, "monthly")[2:4] == [M, H]
    assert states(branch, "branch_assembly")[:6] == [M, M, M, H, H, H]


def test_new_years_eve_late_in_shanghai_is_the_old_year(world):
    held(world.a, "appraisal", branch=world.a_branch, at=local(2025, 12, 31, 23, 50))
    held(world.a, "org_life", branch=world.a_branch, at=local(2026, 1, 1, 0, 10))

    last_year = compliance.compliance_grid(branch=world.a_branch, year=2025,
                                           today=date(2026, 1, 5))
    this_year = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                           today=date(2026, 1, 5))

    assert set(states(last_year, "appraisal")) == {H}
    assert set(states(last_year, "org_life")) == {M}
    assert set(states(this_year, "org_life")) == {H}  # held early: held, not "not yet due"
    assert set(states(this_year, "appraisal")) == {N}


# --- held, missing, not yet due --------------------------------------------------------------

def test_a_period_is_not_yet_due_until_its_end_and_missing_after(world):
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 3, 30))
    assert states(rows, "monthly")[:4] == [M, M, N, N]
    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 3, 30))
    assert states(branch, "lecture")[:4] == [N, N, N, N]  # Q1 ends tomorrow

    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 4, 1))
    assert states(branch, "lecture")[:4] == [M, M, M, N]


def test_a_planned_meeting_does_not_count_and_signed_off_minutes_do(world):
    held(world.a, at=local(2026, 1, 20, 15), status="planned")
    held(world.a, at=local(2026, 2, 20, 15), status="signed_off")
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 12, 31))
    assert states(rows, "monthly")[:3] == [M, H, M]


def test_two_meetings_in_a_month_are_counted_in_the_cell(world):
    held(world.a, at=local(2026, 5, 3, 15))
    held(world.a, at=local(2026, 5, 28, 15))
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 6, 1))
    row = rows[0]
    assert counts(rows, "monthly")[4] == 2
    assert (row.held, row.missing, row.due) == (1, 4, 5)


def test_a_party_groups_meeting_counts_for_its_branch(world):
    held(world.a, "group", branch=world.a_group, at=local(2026, 2, 12, 19))
    held(world.a, "themed_day", branch=world.a_group, at=local(2026, 2, 12, 19))

    rows = compliance.compliance_grid(branch=world.a_branch, year=2026, today=date(2026, 3, 1))
    retirees = compliance.compliance_grid(branch=world.a_retirees, year=2026,
                                          today=date(2026, 3, 1))

    assert states(rows, "group")[:3] == [M, H, N]
    assert states(rows, "themed_day")[:3] == [M, M, N]  # only its group meeting counts
    # a branch without party groups owes no party group meeting
    assert "group" not in [r.kind for r in retirees]


def test_another_committees_meetings_do_not_count(world):
    held(world.b, at=local(2026, 1, 20, 15))
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 2, 1))
    assert states(rows, "monthly")[0] == M


def test_a_committee_owes_the_monthly_meeting_and_a_branch_its_kinds(world):
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 2, 1))
    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 2, 1))
    assert [r.kind for r in rows] == ["monthly"]
    assert [r.kind for r in branch] == [
        "branch_assembly", "branch_committee", "group", "lecture", "org_life", "themed_day",
        "appraisal",
    ]
    assert {r.frequency for r in branch if r.kind in ("org_life", "appraisal")} == {"year"}


def test_the_frequencies_are_settings(world, settings):
    settings.MEETING_FREQUENCIES = {"monthly": "quarter", "lecture": "month"}
    held(world.a, at=local(2026, 2, 20, 15))
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 7, 1))
    branch = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                        today=date(2026, 7, 1))
    assert states(rows, "monthly")[:6] == [H, H, H, M, M, M]
    assert [r.kind for r in branch] == ["lecture"]


def test_a_bad_frequency_setting_fails_loudly(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MEETING_FREQUENCIES = {"monthly": "fortnight"}
    with pytest.raises(ImproperlyConfigured):
        compliance.frequencies()


def test_a_grid_is_one_query_at_any_size(world, django_assert_num_queries):
    for month in range(1, 4):
        held(world.a, "group", branch=world.a_group, at=local(2026, month, 5, 19))
    # one for the meetings, one to ask whether the branch has party groups
    with django_assert_num_queries(2):
        compliance.compliance_grid(branch=world.a_branch, year=2026, today=date(2026, 6, 1))
    for month in range(1, 13):
        for kind in ("branch_committee", "themed_day", "lecture"):
            held(world.a, kind, branch=world.a_branch, at=local(2026, month, 5, 19))
    with django_assert_num_queries(2):
        rows = compliance.compliance_grid(branch=world.a_branch, year=2026,
                                          today=date(2026, 6, 1))
    assert states(rows, "themed_day")[:6] == [H] * 6


# --- the district table ----------------------------------------------------------------------

def test_the_district_table_counts_months_branches_and_terms(world):
    for month in (1, 2, 4):
        held(world.a, at=local(2026, month, 15, 15))
    # a_branch holds every kind due by the end of April except its April committee meeting.
    for month in (1, 2, 3, 4):
        held(world.a, "group", branch=world.a_group, at=local(2026, month, 8, 19))
        held(world.a, "themed_day", branch=world.a_branch, at=local(2026, month, 8, 19))
    for month in (1, 2, 3):
        held(world.a, "branch_committee", branch=world.a_branch, at=local(2026, month, 8, 19))
    held(world.a, "branch_assembly", branch=world.a_branch, at=local(2026, 3, 8, 19))
    held(world.a, "lecture", branch=world.a_branch, at=local(2026, 3, 9, 19))
    world.a.term_end = date(2026, 3, 31)
    world.a.save()
    world.b.term_end = date(2026, 8, 31)
    world.b.save()
    world.a_retirees.term_end = date(2025, 12, 31)
    world.a_retirees.save()

    table = {row.committee: row for row in compliance.district_compliance(
        world.district, 2026, today=date(2026, 5, 1))}

    a, b = table[world.a], table[world.b]
    assert (a.monthly_held, a.monthly_due, a.monthly_missing) == (3, 4, 1)
    # a_branch: April's committee meeting; a_retirees (no party groups, so no group meeting
    # owed): 4 monthly × 2 kinds + Q1 assembly and lecture = 10.
    assert a.branch_missing == 1 + 10
    assert a.branches == 2 and a.branch_terms_overdue == 1
    assert a.term_state == "overdue" and a.term_css == "text-bg-danger"
    # B's branches (the world's and its seat holder's, no party groups) hold nothing: 10 each.
    assert (b.monthly_held, b.monthly_due, b.branch_missing) == (0, 4, 10 * b.branches)
    assert b.term_state == "ending"
    assert b.share == 0
    # A: 3 monthly + a_branch's 4 + 4 + 3 + 1 + 1 = 16 held; 1 + 1 + 10 = 12 missing.
    assert a.share == 57


def test_the_district_table_is_three_queries_at_any_size(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        compliance.district_compliance(world.district, 2026, today=date(2026, 5, 1))
    for n in range(5):
        committee = CommitteeFactory(district=world.district)
        branch = BranchFactory(committee=committee)
        held(committee, at=local(2026, 2, 10 + n, 15))
        held(committee, "lecture", branch=branch, at=local(2026, 2, 10 + n, 15))
    with django_assert_num_queries(3):
        table = compliance.district_compliance(world.district, 2026, today=date(2026, 5, 1))
    assert len(table) == 7


def test_term_states():
    today = date(2026, 5, 1)
    assert terms.term_state(None, today) == "unknown"
    assert terms.term_state(date(2026, 4, 30), today) == "overdue"
    assert terms.term_state(date(2026, 5, 1), today) == "ending"
    assert terms.term_state(date(2026, 11, 1), today) == "ending"
    assert terms.term_state(date(2026, 11, 2), today) == "ok"


# --- the pages -------------------------------------------------------------------------------

def committee_url(committee):
    return reverse("meetings:committee-compliance", args=[committee.pk])


def branch_url(branch):
    return reverse("meetings:branch-compliance", args=[branch.pk])


def district_url(district):
    return reverse("meetings:district-compliance", args=[district.pk])


def cells(response, kind):
    """{month: state} of a kind's row, read from the page."""
    import re

    page = response.content.decode()
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', page, re.S)[1]
    return {int(m): s for m, s in re.findall(r'data-month="(\d+)" data-state="(\w+)"', row)}


@pytest.mark.parametrize("persona", ["secretary_a", "officer", "branch_secretary"])
def test_the_committee_calendar_shows_the_year(login, world, persona):
    this_year = timezone.localdate().year
    held(world.a, at=local(this_year, 1, 15, 15))
    response = login(getattr(world, persona)).get(committee_url(world.a))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["year"] == this_year
    assert cells(response, "monthly")[1] == "held"
    assert 'class="small text-bg-success"' in page
    assert world.a_branch.name in page and world.a_retirees.name in page
    assert world.a_group.name not in page  # groups count within their branch
    assert world.b_branch.name not in page


def test_the_committee_calendar_shows_missing_months_in_danger(login, world):
    response = login(world.secretary_a).get(committee_url(world.a), {"year": "2024"})
    assert response.status_code == 200
    assert set(cells(response, "monthly").values()) == {"missing"}
    assert "text-bg-danger" in response.content.decode()
    assert "?year=2023" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "99999", "1899", ""])
def test_a_bad_year_is_this_year(login, world, bad):
    response = login(world.secretary_a).get(committee_url(world.a), {"year": bad})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


@pytest.mark.parametrize("persona", ["secretary_b", "member"])
def test_the_committee_calendar_is_hidden_from_other_scopes(login, world, persona):
    user = world.member_user if persona == "member" else world.secretary_b
    assert login(user).get(committee_url(world.a)).status_code == 404


def test_the_compliance_pages_need_a_login(client, world):
    for url in (committee_url(world.a), branch_url(world.a_branch),
                district_url(world.district)):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url


@pytest.mark.parametrize("persona", ["branch_secretary", "secretary_a", "officer"])
def test_the_branch_calendar_shows_its_kinds(login, world, persona):
    this_year = timezone.localdate().year
    held(world.a, "group", branch=world.a_group, at=local(this_year, 1, 9, 19))
    response = login(getattr(world, persona)).get(branch_url(world.a_branch))
    assert response.status_code == 200
    assert cells(response, "group")[1] == "held"
    assert "Party lecture" in response.content.decode()


@pytest.mark.parametrize("persona", ["secretary_b", "member"])
def test_the_branch_calendar_is_hidden_from_other_scopes(login, world, persona):
    user = world.member_user if persona == "member" else world.secretary_b
    assert login(user).get(branch_url(world.a_branch)).status_code == 404


def test_another_branchs_secretary_does_not_see_it(login, world):
    assert login(world.branch_secretary).get(branch_url(world.a_retirees)).status_code == 404


def test_a_party_groups_calendar_is_its_branchs(login, world):
    response = login(world.branch_secretary).get(branch_url(world.a_group), {"year": "2025"})
    assert response.status_code == 302
    assert response.url == branch_url(world.a_branch) + "?year=2025"


def test_the_district_table_links_each_committee_and_shows_an_overdue_term(login, world):
    world.a.term_end = date(2020, 1, 1)
    world.a.save()
    response = login(world.officer).get(district_url(world.district))
    page = response.content.decode()
    assert response.status_code == 200
    assert committee_url(world.a) in page and committee_url(world.b) in page
    assert "re-election overdue" in page
    assert 'class="badge text-bg-danger" data-testid="term-state">re-election overdue' in page


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "branch_secretary", "member"])
def test_the_district_table_is_for_district_officers(login, world, persona):
    user = world.member_user if persona == "member" else getattr(world, persona)
    assert login(user).get(district_url(world.district)).status_code == 404


def test_the_district_page_links_to_the_table(login, world):
    page = login(world.officer).get(world.district.get_absolute_url()).content.decode()
    assert district_url(world.district) in page


def test_the_district_table_costs_the_same_at_any_size(login, world, django_assert_num_queries):
    client = login(world.officer)
    # user, scope (2), district, three for the table, + session and bell
    expected = 6 + session_queries()
    with django_assert_num_queries(expected):
        client.get(district_url(world.district))
    for _n in range(10):
        committee = CommitteeFactory(district=world.district)
        BranchFactory(committee=committee)
        held(committee, at=local(timezone.localdate().year, 1, 10, 15))
    with django_assert_num_queries(expected):
        assert len(client.get(district_url(world.district)).context["table"]) == 12
