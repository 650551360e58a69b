"""The printable one-page summary of a committee for a period: the report's figures for one
committee (``overview.reports_figures``), gathered for a page. A fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from activities.models import FundingSource, FundingState, Line
from branches.models import BranchKind
from committees.models import Committee
from meetings.compliance import committee_grids
from meetings.matters import median_days
from meetings.models import MeetingKind
from members.models import Category

from . import coverage
from . import reports_figures as figures


@dataclass
class CommitteeSummary:
    period: object
    members_by_category: list  # [(label, n)]
    branches_by_kind: list  # [(label, n)]
    checked_in: int
    checkins_started: int
    activities_by_line: list  # [(label, n)]
    attendance: int
    hours: Decimal
    money_by_source: list  # [(label, yuan received)]
    money_pledged: Decimal
    monthly_held: int
    monthly_due: int
    branch_missing: int
    compliance_share: int | None
    compliance_year: int
    matters_raised: int
    matters_open: int
    matters_overdue: int
    matters_resolved: int
    matters_median_days: float | None
    agreements_in_force: int
    coverage: coverage.Coverage

    @property
    def members(self) -> int:
        return sum(n for _label, n in self.members_by_category)

    @property
    def branches(self) -> int:
        return sum(n for _label, n in self.branches_by_kind)

    @property
    def activities(self) -> int:
        return sum(n for _label, n in self.activities_by_line)

    @property
    def money(self) -> Decimal:
        return sum((v for _label, v in self.money_by_source), Decimal(0))


def committee_summary(committee, period) -> CommitteeSummary:
    """Every figure of the page (12 queries, whatever the committee's size)."""
    one = Committee.objects.filter(pk=committee.pk)
    row = figures.committee_rows(one, period)[0]
    by_category = figures.members_by_category(one).get(committee.pk, {})
    by_kind = figures.branches_by_kind(one).get(committee.pk, {})
    checkins = figures.checkin_counts(one, period).get(committee.pk, {})
    by_line = figures.activities_by_line(one, period).get(committee.pk, {})
    money = figures.money_by_source(one, period).get(committee.pk, {})
    matters = figures.matter_counts(one, period).get(committee.pk, {})
    days = figures.matter_days(one, period).get(committee.pk, [])
    own, own_branches, _organisations = committee_grids(committee, year=period.year)
    monthly = next((r for r in own if r.kind == MeetingKind.MONTHLY), None)
    branch_rows = [r for _b, grid in own_branches for r in grid]
    held = sum(r.held for r in own + branch_rows)
    due = sum(r.due for r in own + branch_rows)
    return CommitteeSummary(
        period=period,
        members_by_category=[(label, by_category.get(v, 0)) for v, label in Category.choices],
        branches_by_kind=[(label, by_kind.get(v, 0)) for v, label in BranchKind.choices],
        checked_in=checkins.get("confirmed", 0),
        checkins_started=checkins.get("started", 0),
        activities_by_line=[(label, by_line.get(v, 0)) for v, label in Line.choices],
        attendance=row.n_attendance,
        hours=row.n_hours,
        money_by_source=[(label, money.get((v, FundingState.RECEIVED)) or Decimal(0))
                         for v, label in FundingSource.choices],
        money_pledged=sum((money.get((v, FundingState.PLEDGED)) or Decimal(0)
                           for v, _l in FundingSource.choices), Decimal(0)),
        monthly_held=monthly.held if monthly else 0,
        monthly_due=monthly.due if monthly else 0,
        branch_missing=sum(r.missing for r in branch_rows),
        compliance_share=round(100 * held / due) if due else None,
        compliance_year=period.year,
        matters_raised=matters.get("raised", 0),
        matters_open=row.n_open,
        matters_overdue=row.n_overdue,
        matters_resolved=len(days),
        matters_median_days=median_days(days),
        agreements_in_force=row.n_agreements,
        coverage=coverage.coverage_of(coverage.with_coverage(one).get()),
    )
