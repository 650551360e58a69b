"""The district dashboard's figures, charts and comparison of committees over a period
(``overview.periods``): a fixed number of queries whatever the district's size. What would scan
the large tables (members, branches, check-ins, activities, attendance, money) is read from the
kept figures (``overview.figures``: a few rows per committee and month, counted after writes and
every few minutes); the rest is counted from the records, one grouped query per family.

Figures of stock (members, branches, check-ins, teams, venues, agreements, matters open) are
as of today (the kept ones as of their counting, which the page shows); figures of flow
(activities, service and hours, money, check-ins started, matters resolved) follow the
period; compliance is of the period's year."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    FundingSource,
    Line,
    ServiceTeam,
)
from branches.models import BranchKind
from committees.models import Committee
from core.db import count_of
from core.links import pk_url, plain_url
from meetings.compliance import district_compliance
from meetings.matters import CLOSED, median_days, overdue_q, percent
from meetings.models import GRASS_ROOTS, Matter, MatterOutcome, MatterStatus
from members.models import Category, CheckIn, CheckInStatus
from units.models import EXPIRY_WARNING_DAYS, Agreement

from . import figures

# ?sort= column -> the row's attribute; "-column" sorts descending.
SORT_COLUMNS = ("name", "members", "checked_in", "activities", "hours", "money", "compliance",
                "open_matters", "overdue_matters", "flagged_matters")


@dataclass
class Chart:
    """One chart's data, handed to the page as JSON (``json_script``) and shown as a table
    under the chart: a category axis and one series per label (``pie``: one series)."""

    id: str
    kind: str  # "bar", "stacked", "line" or "pie"
    categories: list
    series: list  # [{"name": str, "data": [number, ...]}]

    def as_json(self) -> dict:
        return {"kind": self.kind, "categories": [str(c) for c in self.categories],
                "series": [{"name": str(s["name"]), "data": [float(v) for v in s["data"]]}
                           for s in self.series]}

    @property
    def rows(self) -> list:
        """(category, [value per series]) for the table under the chart."""
        return [(c, [s["data"][i] for s in self.series]) for i, c in enumerate(self.categories)]


@dataclass
class CommitteeRow:
    committee: Committee
    members: int
    checked_in: int
    activities: int
    hours: Decimal
    money: Decimal
    open_matters: int = 0
    overdue_matters: int = 0
    flagged_matters: int = 0  # still open, at risk of escalation (上访苗头)
    compliance: int | None = None  # percent of due periods held, None while nothing is due

    @property
    def name(self):
        return self.committee.name


def row_links():
    """A function giving a committee's row the records behind each figure: the routes
    reversed once for the table (``core.links``), not once per row."""
    committee, members = pk_url("overview:committee-detail"), pk_url("members:committee-roster")
    checked_in, money = pk_url("members:in-service"), pk_url("activities:committee-funding")
    compliance, matters = pk_url("meetings:committee-compliance"), pk_url("meetings:matter-list")
    activity_list = plain_url("activities:activity-list")

    def links(pk) -> dict[str, str]:
        activities = f"{activity_list}?committee={pk}"
        return {
            "committee": committee(pk), "members": members(pk), "checked_in": checked_in(pk),
            "activities": activities, "hours": f"{activities}&status=held",
            "money": money(pk), "compliance": compliance(pk), "matters": matters(pk),
        }

    return links


@dataclass
class Dashboard:
    members_by_category: list  # [(label, n)]
    branches_by_kind: list  # [(label, n)]
    checked_in: int
    served: int  # of them, members who served in the period (where they checked in)
    served_hours: Decimal
    held: int  # activities held in the period
    upcoming: int  # activities planned or open from now on
    attendances: int
    volunteers: int  # members who took part, once per committee
    hours: Decimal  # every attendance's hours
    teams: int
    team_members: int
    activities: int
    funding: Decimal
    agreements_in_force: int
    agreements_expiring: int
    matters_open: int
    matters_overdue: int
    matters_resolved: int  # resolved in the period
    matters_median_days: float | None
    matters_flagged: int  # still open and at risk of escalation (上访苗头), now
    matters_closed: int  # resolved or escalated, now: those that say how they ended
    matters_grass_roots: int  # of them, settled in the community (on the spot or deliberated)
    matters_on_the_spot: int  # of those, mediated on the spot (现场调解)
    monthly_held: int
    monthly_due: int
    branch_missing: int
    compliance_share: int | None
    compliance_year: int
    charts: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    counted_at: datetime | None = None  # when the kept figures were counted (the oldest)

    @property
    def grass_roots_share(self) -> int | None:
        """The share of closed matters settled at the grass roots, a whole percentage; None
        while none is closed."""
        return percent(self.matters_grass_roots, self.matters_closed)

    @property
    def members(self) -> int:
        return sum(n for _label, n in self.members_by_category)

    @property
    def branches(self) -> int:
        return sum(n for _label, n in self.branches_by_kind)


def _month_key(value) -> date:
    """A ``TruncMonth`` value (a local datetime or a date) as the month's first day."""
    return figures.local_day(value).replace(day=1)


def committee_rows(district, period) -> list[CommitteeRow]:
    """One row per committee of the district with its figures (3 queries; the kept figures
    as last counted: ``district_dashboard`` first counts a committee never counted)."""
    return _committee_rows(district, period, figures.stocks_by_committee(district))


def _committee_rows(district, period, stocks) -> list[CommitteeRow]:
    committees = (
        Committee.objects.filter(district=district).order_by("name")
        .annotate(
            n_open=count_of(Matter.objects.filter(committee=OuterRef("pk"))
                            .exclude(status__in=CLOSED)),
            n_overdue=count_of(Matter.objects.filter(overdue_q(), committee=OuterRef("pk"))),
            n_flagged=count_of(Matter.objects.filter(committee=OuterRef("pk"), risk_flag=True)
                               .exclude(status__in=CLOSED)),
        )
    )
    flows = figures.flows_by_committee(district, period)
    return [_row(c, stocks.get(c.pk, {}), flows.get(c.pk, {}), c.n_open, c.n_overdue,
                 c.n_flagged)
            for c in committees]


def committee_row(committee, period, *, open_matters: int, overdue_matters: int,
                  flagged_matters: int = 0) -> CommitteeRow:
    """One committee's row as last counted, its matters counted by the caller (2 queries:
    its kept stocks and flows)."""
    district, pk = committee.district_id, committee.pk
    stock = figures.stocks_by_committee(district, only=pk).get(pk, {})
    flow = figures.flows_by_committee(district, period, only=pk).get(pk, {})
    return _row(committee, stock, flow, open_matters, overdue_matters, flagged_matters)


def _row(committee, stock, flow, open_matters, overdue_matters, flagged_matters=0
         ) -> CommitteeRow:
    return CommitteeRow(
        committee=committee,
        members=int(sum(v for (f, _i), v in stock.items() if f == figures.MEMBERS)),
        checked_in=int(stock.get((figures.CHECKED_IN, ""), 0)),
        activities=int(flow.get(figures.ACTIVITIES, 0)),
        hours=flow.get(figures.HOURS, Decimal(0)),
        money=flow.get(figures.MONEY, Decimal(0)),
        open_matters=open_matters, overdue_matters=overdue_matters,
        flagged_matters=flagged_matters,
    )


def read_sort(value) -> tuple[str, bool]:
    """The ``?sort=`` column and whether descending; anything not whitelisted: by name."""
    value = (value or "").strip()
    column = value.removeprefix("-")
    if column not in SORT_COLUMNS:
        return "name", False
    return column, value.startswith("-")


def sort_rows(rows: list[CommitteeRow], column: str, descending: bool) -> list[CommitteeRow]:
    """Rows sorted by ``column`` (ties by name); a rate not yet due sorts below every rate."""
    def key(row):
        value = getattr(row, column)
        if column == "compliance":
            value = -1 if value is None else value
        return value

    rows = sorted(rows, key=lambda r: r.name)
    return sorted(rows, key=key, reverse=descending)


def _count_spans(committee_ids, period) -> dict[int, dict[str, Decimal]]:
    """``figures.spans_by_committee`` of a period that is not a calendar month, quarter or
    year, counted from the records (1 query; scans the period's attendance)."""
    checked_in = CheckIn.objects.filter(
        member=OuterRef("member"), committee=OuterRef("activity__committee"),
        status=CheckInStatus.CONFIRMED)
    return {
        committee_id: {figures.VOLUNTEERS: people, figures.SERVED: served}
        for committee_id, people, served in (
            Attendance.objects.filter(
                activity__committee_id__in=committee_ids,
                activity__starts_at__gte=period.start, activity__starts_at__lt=period.end)
            .order_by().values_list("activity__committee_id")
            .annotate(people=Count("member", distinct=True),
                      served=Count("member", distinct=True, filter=Exists(checked_in)))
        )
    }


def district_dashboard(district, period) -> Dashboard:
    """Every figure and chart of the dashboard (14 queries, whatever the district's size; more
    once for a committee never counted: ``figures.ensure_counted``)."""
    today = timezone.localdate()
    months = period.months()
    month_labels = [m.strftime("%Y-%m") for m in months]

    # the kept figures: counted when never counted (1), states by committee (1), flows by
    # month (1)
    counted = figures.ensure_counted(district)
    committee_ids = list(counted)
    stocks = figures.stocks_by_committee(district)
    stock: dict[tuple, Decimal] = {}
    for of_committee in stocks.values():
        for key, value in of_committee.items():
            stock[key] = stock.get(key, 0) + value
    flows = figures.flows_by_month(district, period)

    def monthly(figure, item=""):
        return {_month_key(m): int(v) for (m, f, i), v in flows.items()
                if f == figure and i == item}

    members_by_category = [(label, int(stock.get((figures.MEMBERS, value), 0)))
                           for value, label in Category.choices]
    # 党支部 only, a unit's organisation once
    branches_by_kind = [(label, int(stock.get((figures.BRANCHES, value), 0)))
                        for value, label in BranchKind.choices]
    checked_in = int(stock.get((figures.CHECKED_IN, ""), 0))
    started = monthly(figures.CHECKINS)

    # members who took part and in-service members who served in the period, each once per
    # committee: kept for a calendar month, quarter or year (1), else counted (1)
    spans = figures.spans_by_committee(district, period)
    if spans is None:
        spans = _count_spans(committee_ids, period)
    volunteers = sum(int(of.get(figures.VOLUNTEERS, 0)) for of in spans.values())
    served = sum(int(of.get(figures.SERVED, 0)) for of in spans.values())
    totals: dict[str, Decimal] = {}
    for (_m, f, _i), value in flows.items():
        totals[f] = totals.get(f, Decimal(0)) + value
    upcoming = Activity.objects.filter(
        committee_id__in=committee_ids, starts_at__gte=timezone.now(),
        status__in=[ActivityStatus.PLANNED, ActivityStatus.OPEN]).count()

    # volunteer teams and their members, each member once (1)
    teams = ServiceTeam.objects.filter(committee__district=district).aggregate(
        n=Count("pk", distinct=True), people=Count("members", distinct=True))

    # activities by month and line, cancelled ones left out; money received by source
    by_month_line: dict[tuple, int] = {}
    by_source: dict[str, Decimal] = {}
    for (m, f, item), total in flows.items():
        if f == figures.ACTIVITIES:
            by_month_line[(_month_key(m), item)] = int(total)
        elif f == figures.MONEY:
            by_source[item] = by_source.get(item, Decimal(0)) + total

    # agreements in force today, and those ending within the warning days (1)
    agreements = Agreement.objects.filter(committee__district=district).aggregate(
        in_force=Count("pk", filter=Agreement.in_force_q()),
        expiring=Count("pk", filter=Agreement.in_force_q() & Q(
            ends_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS))),
    )

    # matters by status and how they ended, overdue and flagged now (1), resolved in the
    # period (1)
    by_status, by_outcome, overdue, flagged = {}, {}, 0, 0
    for status, outcome, n, late, risky in (
        Matter.objects.filter(committee__district=district).order_by()
        .values_list("status", "outcome")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)),
                  risky=Count("pk", filter=Q(risk_flag=True) & ~Q(status__in=CLOSED)))
    ):
        by_status[status] = by_status.get(status, 0) + n
        if outcome:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
        overdue += late
        flagged += risky
    resolved = list(
        Matter.objects.filter(committee__district=district, status=MatterStatus.RESOLVED,
                              resolved_on__range=(period.first, period.last))
        .values_list("raised_on", "resolved_on")
    )

    # compliance of the period's year (3) and the comparison (2)
    compliance = district_compliance(district, period.year, today)
    rows = _committee_rows(district, period, stocks)
    shares = {c.committee.pk: c.share for c in compliance}
    for row in rows:
        row.compliance = shares.get(row.committee.pk)
    held = sum(c.monthly_held for c in compliance)
    due = sum(c.monthly_due for c in compliance)
    rated = [c.share for c in compliance if c.share is not None]

    charts = [
        Chart("activities", "stacked", month_labels, [
            {"name": label, "data": [by_month_line.get((m, value), 0) for m in months]}
            for value, label in Line.choices
        ]),
        Chart("money", "pie", [label for _v, label in FundingSource.choices], [
            {"name": "¥", "data": [by_source.get(value) or Decimal(0)
                                   for value, _l in FundingSource.choices]},
        ]),
        Chart("checkins", "line", month_labels, [
            {"name": "", "data": [started.get(m, 0) for m in months]},
        ]),
        Chart("compliance", "bar", [c.committee.name for c in compliance], [
            {"name": "%", "data": [c.share or 0 for c in compliance]},
        ]),
        Chart("matters", "bar", [label for _v, label in MatterStatus.choices], [
            {"name": "", "data": [by_status.get(value, 0) for value, _l in MatterStatus.choices]},
        ]),
    ]
    return Dashboard(
        members_by_category=members_by_category,
        branches_by_kind=branches_by_kind,
        checked_in=checked_in,
        served=served,
        served_hours=totals.get(figures.SERVED_HOURS, Decimal(0)),
        held=int(totals.get(figures.HELD, 0)),
        upcoming=upcoming,
        attendances=int(totals.get(figures.ATTENDANCES, 0)),
        volunteers=volunteers,
        hours=totals.get(figures.HOURS, Decimal(0)),
        teams=teams["n"],
        team_members=teams["people"],
        activities=sum(by_month_line.values()),
        funding=sum(by_source.values(), Decimal(0)),
        agreements_in_force=agreements["in_force"],
        agreements_expiring=agreements["expiring"],
        matters_open=sum(n for s, n in by_status.items() if s not in CLOSED),
        matters_overdue=overdue,
        matters_resolved=len(resolved),
        matters_median_days=median_days([(b - a).days for a, b in resolved]),
        matters_flagged=flagged,
        matters_closed=sum(by_outcome.values()),
        matters_grass_roots=sum(by_outcome.get(o, 0) for o in GRASS_ROOTS),
        matters_on_the_spot=by_outcome.get(MatterOutcome.ON_THE_SPOT, 0),
        monthly_held=held,
        monthly_due=due,
        branch_missing=sum(c.branch_missing for c in compliance),
        compliance_share=round(sum(rated) / len(rated)) if rated else None,
        compliance_year=period.year,
        charts=charts,
        rows=rows,
        counted_at=min(counted.values(), default=None),
    )
