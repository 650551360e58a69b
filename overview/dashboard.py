"""The district dashboard's figures, charts and comparison of committees, counted from the
records over a period (``overview.periods``): a fixed number of queries whatever the
district's size, each family of figures one grouped query (``Counting without multiplying``).

Figures of stock (members, branches, check-ins, teams, venues, agreements, matters open) are
as of today; figures of flow (activities, service and hours, money, check-ins started, matters
resolved) follow the period; compliance is of the period's year."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Funding,
    FundingSource,
    FundingState,
    Line,
    ServiceTeam,
)
from branches.models import Branch, BranchKind
from committees.models import Committee
from core.db import count_of
from meetings.compliance import district_compliance
from meetings.matters import CLOSED, median_days, overdue_q
from meetings.models import Matter, MatterStatus
from members.models import Category, CheckIn, CheckInStatus, Member
from units.models import EXPIRY_WARNING_DAYS, Agreement

MONEY = DecimalField(max_digits=14, decimal_places=2)

# ?sort= column -> the row's attribute; "-column" sorts descending.
SORT_COLUMNS = ("name", "members", "checked_in", "activities", "hours", "money", "compliance",
                "open_matters", "overdue_matters")


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
    compliance: int | None = None  # percent of due periods held, None while nothing is due

    @property
    def name(self):
        return self.committee.name


@dataclass
class Dashboard:
    members_by_category: list  # [(label, n)]
    branches_by_kind: list  # [(label, n)]
    checked_in: int
    served: int  # of them, members who served in the period
    served_hours: Decimal
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
    monthly_held: int
    monthly_due: int
    branch_missing: int
    compliance_share: int | None
    compliance_year: int
    charts: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(n for _label, n in self.members_by_category)

    @property
    def branches(self) -> int:
        return sum(n for _label, n in self.branches_by_kind)


def _month_key(value) -> date:
    """A ``TruncMonth`` value (a local datetime or a date) as the month's first day."""
    if hasattr(value, "date"):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def committee_rows(district, period) -> list[CommitteeRow]:
    """One row per committee of the district with its figures (one query)."""
    in_period = Q(activity__starts_at__gte=period.start, activity__starts_at__lt=period.end)
    committees = (
        Committee.objects.filter(district=district).order_by("name")
        .annotate(
            n_members=count_of(Member.objects.filter(committee=OuterRef("pk"))),
            n_checked_in=count_of(CheckIn.objects.filter(
                committee=OuterRef("pk"), status=CheckInStatus.CONFIRMED)),
            n_activities=count_of(
                Activity.objects.filter(committee=OuterRef("pk"), starts_at__gte=period.start,
                                        starts_at__lt=period.end)
                .exclude(status=ActivityStatus.CANCELLED)),
            n_hours=Coalesce(Subquery(
                Attendance.objects.filter(in_period, activity__committee=OuterRef("pk"))
                .order_by().values("activity__committee").annotate(t=Sum("hours")).values("t"),
                output_field=MONEY), Decimal(0), output_field=MONEY),
            n_money=Coalesce(Subquery(
                Funding.objects.filter(committee=OuterRef("pk"), state=FundingState.RECEIVED,
                                       date__range=(period.first, period.last))
                .order_by().values("committee").annotate(t=Sum("amount")).values("t"),
                output_field=MONEY), Decimal(0), output_field=MONEY),
            n_open=count_of(Matter.objects.filter(committee=OuterRef("pk"))
                            .exclude(status__in=CLOSED)),
            n_overdue=count_of(Matter.objects.filter(overdue_q(), committee=OuterRef("pk"))),
        )
    )
    return [
        CommitteeRow(committee=c, members=c.n_members, checked_in=c.n_checked_in,
                     activities=c.n_activities, hours=c.n_hours, money=c.n_money,
                     open_matters=c.n_open, overdue_matters=c.n_overdue)
        for c in committees
    ]


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


def district_dashboard(district, period) -> Dashboard:
    """Every figure and chart of the dashboard (13 queries, whatever the district's size)."""
    today = timezone.localdate()
    months = period.months()
    month_labels = [m.strftime("%Y-%m") for m in months]

    # members by category (1)
    by_category = dict(
        Member.objects.filter(committee__district=district).order_by()
        .values_list("category").annotate(n=Count("pk"))
    )
    members_by_category = [(label, by_category.get(value, 0))
                           for value, label in Category.choices]

    # branches by kind: 党支部 only, a unit's organisation once (1)
    by_kind = dict(
        Branch.objects.filter(committee__district=district, parent__isnull=True).order_by()
        .values_list("kind").annotate(n=Count("pk"))
    )
    branches_by_kind = [(label, by_kind.get(value, 0)) for value, label in BranchKind.choices]

    # check-ins: confirmed now, and started in each month of the period (1)
    confirmed = CheckIn.objects.filter(committee__district=district,
                                       status=CheckInStatus.CONFIRMED)
    checked_in = confirmed.count()
    started = {
        _month_key(m): n for m, n in
        confirmed.filter(started_on__range=(period.first, period.last))
        .annotate(m=TruncMonth("started_on")).order_by().values_list("m").annotate(n=Count("pk"))
    }  # (2)

    # in-service members who served in the period, and their hours (1)
    served = Attendance.objects.filter(
        activity__committee__district=district,
        activity__starts_at__gte=period.start, activity__starts_at__lt=period.end,
        member__in=confirmed.values("member"),
    ).aggregate(people=Count("member", distinct=True), hours=Sum("hours"))

    # volunteer teams and their members, each member once (1)
    teams = ServiceTeam.objects.filter(committee__district=district).aggregate(
        n=Count("pk", distinct=True), people=Count("members", distinct=True))

    # activities by month and line, cancelled ones left out (1)
    by_month_line: dict[tuple, int] = {}
    for m, line, n in (
        Activity.objects.filter(committee__district=district, starts_at__gte=period.start,
                                starts_at__lt=period.end)
        .exclude(status=ActivityStatus.CANCELLED)
        .annotate(m=TruncMonth("starts_at")).order_by().values_list("m", "line")
        .annotate(n=Count("pk"))
    ):
        key = (_month_key(m), line)
        by_month_line[key] = by_month_line.get(key, 0) + n

    # money received by source, funding lines only (1)
    by_source = dict(
        Funding.objects.filter(committee__district=district, state=FundingState.RECEIVED,
                               date__range=(period.first, period.last))
        .order_by().values_list("source").annotate(total=Sum("amount"))
    )

    # agreements in force today, and those ending within the warning days (1)
    agreements = Agreement.objects.filter(committee__district=district).aggregate(
        in_force=Count("pk", filter=Agreement.in_force_q()),
        expiring=Count("pk", filter=Agreement.in_force_q() & Q(
            ends_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS))),
    )

    # matters by status and overdue now (1), resolved in the period (1)
    by_status, overdue = {}, 0
    for status, n, late in (
        Matter.objects.filter(committee__district=district).order_by()
        .values_list("status").annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)))
    ):
        by_status[status] = n
        overdue += late
    resolved = list(
        Matter.objects.filter(committee__district=district, status=MatterStatus.RESOLVED,
                              resolved_on__range=(period.first, period.last))
        .values_list("raised_on", "resolved_on")
    )

    # compliance of the period's year (3) and the comparison (1)
    compliance = district_compliance(district, period.year, today)
    rows = committee_rows(district, period)
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
        served=served["people"],
        served_hours=served["hours"] or Decimal(0),
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
        monthly_held=held,
        monthly_due=due,
        branch_missing=sum(c.branch_missing for c in compliance),
        compliance_share=round(sum(rated) / len(rated)) if rated else None,
        compliance_year=period.year,
        charts=charts,
        rows=rows,
    )
