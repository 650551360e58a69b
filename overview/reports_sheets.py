"""The sheets of a report by period, one step each (``STEPS``), for a district (a row per
committee) or one committee (the committee, and its branches where they matter: members,
meetings). Each step reads one family of figures (``overview.reports_figures``) in a fixed
number of queries whatever the size, and gives the summary sheet its totals, so the summary
costs no query of its own.

Headings are translated when the report is written (the task runs in the portal's language).
No ID number and no mobile number is read, so none can be written."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities.models import ActivityStatus, FundingSource, FundingState, Line
from branches.models import OWN_KINDS, BranchKind
from committees.models import Committee
from core.xlsx import date_cell, datetime_cell
from meetings.compliance import committee_grids, district_compliance
from meetings.matters import CLOSED, median_days
from meetings.models import MatterKind, MatterStatus, MeetingKind
from members.models import Category, CheckInStatus

from . import coverage
from . import reports_figures as figures
from .periods import Period

OWN_BRANCH_KINDS = [k for k in BranchKind if k in OWN_KINDS]


@dataclass(frozen=True)
class Subject:
    """What a report covers: a district's committees, or one committee, over a period."""

    period: Period
    district: object
    committee: Committee | None = None

    @property
    def committees(self):
        if self.committee is not None:
            return Committee.objects.filter(pk=self.committee.pk)
        return Committee.objects.filter(district=self.district)

    @property
    def name(self) -> str:
        return (self.committee or self.district).name

    @property
    def with_totals(self) -> bool:
        """A district's sheets end with a totals row."""
        return self.committee is None


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list
    summary: list = field(default_factory=list)  # [(figure, value)] for the summary sheet


def _money(value) -> float:
    return float(value or Decimal(0))


def _rate(part: int, whole: int):
    return round(100 * part / whole) if whole else ""


def _totals(rows, first_label, skip=1):
    """A totals row: the label, then each numeric column summed (others left blank)."""
    width = len(rows[0]) if rows else 0
    total = [first_label] + [""] * (skip - 1)
    for i in range(skip, width):
        values = [r[i] for r in rows]
        total.append(sum(values) if all(isinstance(v, int | float) for v in values) else "")
    return total


# --- the steps -------------------------------------------------------------------------------

def committees_sheet(subject: Subject) -> Sheet:
    rows = []
    for c in figures.committee_rows(subject.committees, subject.period):
        rows.append([c.name, c.n_members, c.n_branches, c.n_unit_orgs, c.n_checked_in,
                     c.n_started, c.n_activities, c.n_attendance, _money(c.n_hours),
                     _money(c.n_money), c.n_open, c.n_overdue, c.n_resolved, c.n_agreements])
    totals = _totals(rows, _("Total")) if rows else []
    if subject.with_totals and rows:
        rows.append(totals)
    whole = totals or [""] * 14
    return Sheet(
        _("Committees"),
        [_("Committee"), _("Members"), _("Branches"), _("Member organisations"),
         pgettext("residence check-in", "Checked in"), _("Check-ins started"), _("Activities"),
         _("Attendances"), _("Volunteer hours"), _("Money received (¥)"), _("Open matters"),
         _("Overdue matters"), _("Matters resolved"), _("Agreements in force")],
        rows,
        summary=[
            (_("Committees"), len(rows) - (1 if subject.with_totals and rows else 0)),
            (_("Activities in the period"), whole[6]),
            (_("Attendances in the period"), whole[7]),
            (_("Volunteer hours in the period"), whole[8]),
            (_("Agreements in force today"), whole[13]),
        ],
    )


def members_sheet(subject: Subject) -> Sheet:
    categories = list(Category.choices)
    by_category = figures.members_by_category(subject.committees)
    by_kind = figures.branches_by_kind(subject.committees)
    rows = []
    for c in subject.committees.order_by("name", "pk").only("pk", "name"):
        counts, kinds = by_category.get(c.pk, {}), by_kind.get(c.pk, {})
        rows.append([c.name, _("living here"),
                     *[counts.get(v, 0) for v, _l in categories], sum(counts.values()),
                     *[kinds.get(k, 0) for k, _l in BranchKind.choices]])
    totals = _totals(rows, _("Total"), skip=2) if rows else []
    if subject.with_totals and rows:
        rows.append(totals)
    if subject.committee is not None:
        # The committee's branches: members whose membership each holds.
        for branch in figures.members_by_branch(subject.committee):
            counts = branch.by_category
            rows.append([subject.committee.name, branch.name,
                         *[counts.get(v, 0) for v, _l in categories], sum(counts.values()),
                         *[""] * len(BranchKind.choices)])
    whole = totals or [""] * (3 + len(categories) + len(BranchKind.choices))
    n = len(categories)
    return Sheet(
        _("Members by category"),
        [_("Committee"), _("Counted"), *[label for _v, label in categories], _("Members"),
         *[label for _v, label in BranchKind.choices]],
        rows,
        summary=[(_("Members living in the communities"), whole[2 + n])]
        + [(label, whole[2 + i]) for i, (_v, label) in enumerate(categories)]
        + [(label, whole[3 + n + i]) for i, (_v, label) in enumerate(BranchKind.choices)],
    )


def checkins_sheet(subject: Subject) -> Sheet:
    counts = figures.checkin_counts(subject.committees, subject.period)
    rows = []
    for c in subject.committees.order_by("name", "pk").only("pk", "name"):
        n = counts.get(c.pk, {})
        rows.append([c.name, n.get("confirmed", 0), n.get("pending", 0), n.get("started", 0),
                     n.get("ended", 0)])
    totals = _totals(rows, _("Total")) if rows else [""] * 5
    if subject.with_totals and rows:
        rows.append(totals)
    return Sheet(
        _("Check-ins (报到)"),
        [_("Committee"), _("Checked in today"), _("Waiting for confirmation"),
         _("Started in the period"), _("Ended in the period")],
        rows,
        summary=[(_("In-service members checked in today"), totals[1]),
                 (_("Check-ins started in the period"), totals[3])],
    )


def checkin_list_sheet(subject: Subject) -> Sheet:
    labels = dict(CheckInStatus.choices)
    rows = [
        [name, committee, unit or employer, date_cell(started), date_cell(ended),
         str(labels.get(status, status))]
        for name, committee, unit, employer, started, ended, status
        in figures.checkin_list(subject.committees, subject.period)
    ]
    return Sheet(
        _("Check-in list"),
        [_("Name"), _("Committee"), _("Employer"), _("Checked in on"), _("Ended on"),
         _("Status")],
        rows,
    )


def activities_sheet(subject: Subject) -> Sheet:
    lines, statuses = dict(Line.choices), dict(ActivityStatus.choices)
    rows, by_line = [], {}
    for starts_at, committee, title, line, status, attendance, hours in figures.activity_rows(
        subject.committees, subject.period
    ):
        rows.append([datetime_cell(starts_at), committee, title, str(lines.get(line, line)),
                     str(statuses.get(status, status)), attendance, _money(hours)])
        by_line[line] = by_line.get(line, 0) + 1
    return Sheet(
        _("Activities"),
        [_("Date"), _("Committee"), _("Title"), _("Line"), _("Status"), _("Attended"),
         _("Hours")],
        rows,
        summary=[(_("Activities: %(line)s") % {"line": label}, by_line.get(value, 0))
                 for value, label in Line.choices],
    )


def funding_sheet(subject: Subject) -> Sheet:
    sources = list(FundingSource.choices)
    sums = figures.money_by_source(subject.committees, subject.period)
    rows = []
    for c in subject.committees.order_by("name", "pk").only("pk", "name"):
        cell = sums.get(c.pk, {})
        received = [_money(cell.get((v, FundingState.RECEIVED))) for v, _l in sources]
        pledged = sum(_money(cell.get((v, FundingState.PLEDGED))) for v, _l in sources)
        rows.append([c.name, *received, sum(received), pledged])
    totals = _totals(rows, _("Total")) if rows else [""] * (len(sources) + 3)
    if subject.with_totals and rows:
        rows.append(totals)
    return Sheet(
        _("Funding by source"),
        [_("Committee"), *[label for _v, label in sources], _("Received in all (¥)"),
         _("Pledged, not yet received (¥)")],
        rows,
        summary=[(_("Money received (¥): %(source)s") % {"source": label}, totals[1 + i])
                 for i, (_v, label) in enumerate(sources)]
        + [(_("Money received in the period (¥)"), totals[1 + len(sources)])],
    )


def _grid(rows) -> tuple[int, int, int]:
    """(periods held, periods missing, periods due) of a holder's compliance rows."""
    return (sum(r.held for r in rows), sum(r.missing for r in rows), sum(r.due for r in rows))


def meetings_sheet(subject: Subject) -> Sheet:
    kinds = list(MeetingKind.choices)
    year = subject.period.year
    rows, organisations = [], []
    if subject.committee is None:
        held = figures.meetings_held(subject.committees, subject.period)
        per_committee: dict = {}
        for (committee_id, _branch), counts in held.items():
            cell = per_committee.setdefault(committee_id, {})
            for kind, n in counts.items():
                cell[kind] = cell.get(kind, 0) + n
        for c in district_compliance(subject.district, year):
            counts = per_committee.get(c.committee.pk, {})
            rows.append([c.committee.name, _("the committee and its branches"),
                         *[counts.get(k, 0) for k, _l in kinds], c.monthly_held, c.monthly_due,
                         c.branch_missing, "" if c.share is None else c.share])
    else:
        committee = subject.committee
        own, own_branches, organisations = committee_grids(committee, year=year)
        held = figures.meetings_held(subject.committees, subject.period,
                                     branch_ids=[b.pk for b, _g in organisations])
        by_branch: dict = {}
        for (_committee, branch_id), counts in held.items():
            cell = by_branch.setdefault(branch_id, {})
            for kind, n in counts.items():
                cell[kind] = cell.get(kind, 0) + n
        monthly = next((r for r in own if r.kind == MeetingKind.MONTHLY), None)
        branch_rows = [r for _b, grid in own_branches for r in grid]
        h, _m, due = _grid(own + branch_rows)
        counts = held.get((committee.pk, None), {})
        rows.append([committee.name, _("the committee itself"),
                     *[counts.get(k, 0) for k, _l in kinds],
                     monthly.held if monthly else 0, monthly.due if monthly else 0,
                     sum(r.missing for r in branch_rows), _rate(h, due)])
        for branch, grid in own_branches + organisations:
            h, missing, due = _grid(grid)
            counts = by_branch.get(branch.pk, {})
            rows.append([committee.name, branch.name, *[counts.get(k, 0) for k, _l in kinds],
                         "", "", missing, _rate(h, due)])
    n = len(kinds)
    # The units' organisations keep their own meetings: listed, not counted as the committee's.
    counted = rows[:len(rows) - len(organisations)]
    monthly_in_period = sum(r[2] for r in counted)  # MeetingKind.MONTHLY is the first kind
    return Sheet(
        _("Meetings and compliance"),
        [_("Committee"), _("Held by"), *[label for _v, label in kinds],
         _("Monthly meetings held in %(year)s") % {"year": year},
         _("Monthly meetings due in %(year)s") % {"year": year},
         _("Branch periods missing in %(year)s") % {"year": year},
         _("Compliance in %(year)s (%%)") % {"year": year}],
        rows,
        summary=[
            (_("Monthly meetings held in the period"), monthly_in_period),
            (_("Branch meetings held in the period"),
             sum(sum(r[2 + i] for i, (k, _l) in enumerate(kinds) if k not in (
                 MeetingKind.MONTHLY, MeetingKind.COMMITTEE_WORK, MeetingKind.JOINT))
                 for r in counted)),
            (_("Monthly meetings held / due in %(year)s") % {"year": year},
             f"{sum(r[2 + n] or 0 for r in rows)} / {sum(r[3 + n] or 0 for r in rows)}"),
        ],
    )


def matters_sheet(subject: Subject) -> Sheet:
    statuses = list(MatterStatus.choices)
    counts = figures.matter_counts(subject.committees, subject.period)
    days = figures.matter_days(subject.committees, subject.period)
    rows = []
    for c in subject.committees.order_by("name", "pk").only("pk", "name"):
        cell = counts.get(c.pk, {})
        resolved = days.get(c.pk, [])
        median = median_days(resolved)
        rows.append([c.name, cell.get("raised", 0), *[cell.get(v, 0) for v, _l in statuses],
                     sum(cell.get(v, 0) for v, _l in statuses if v not in CLOSED),
                     cell.get("overdue", 0), len(resolved), "" if median is None else median])
    every = [d for values in days.values() for d in values]
    median = median_days(every)
    if subject.with_totals and rows:
        total = _totals(rows[:], _("Total"))
        total[-1] = "" if median is None else median
        rows.append(total)
    n = len(statuses)
    whole = rows[-1] if rows else [0] * (n + 6)
    return Sheet(
        _("Matters"),
        [_("Committee"), _("Raised in the period"), *[label for _v, label in statuses],
         _("Open today"), _("Overdue today"), _("Resolved in the period"),
         _("Median days to resolve")],
        rows,
        summary=[
            (_("Matters open today"), whole[2 + n]),
            (_("Matters overdue today"), whole[3 + n]),
            (_("Matters resolved in the period"), len(every)),
            (_("Median days to resolve"), "" if median is None else median),
        ],
    )


def matter_list_sheet(subject: Subject) -> Sheet:
    kinds, statuses = dict(MatterKind.choices), dict(MatterStatus.choices)
    rows = [
        [committee, title, str(kinds.get(kind, kind)), str(statuses.get(status, status)),
         date_cell(raised), date_cell(due), date_cell(resolved), _("yes") if late else ""]
        for committee, title, kind, status, raised, due, resolved, late
        in figures.matter_list(subject.committees, subject.period)
    ]
    return Sheet(
        _("Matter list"),
        [_("Committee"), _("Title"), _("Kind"), _("Status"), _("Raised on"), _("Due on"),
         _("Resolved on"), _("Overdue")],
        rows,
    )


def _coverage_row(name, cov) -> list:
    return [name, cov.units, cov.units_in, _blank(cov.units_rate), cov.units_without_organisation,
            cov.residents, cov.reached, _blank(cov.reached_rate), cov.in_service,
            cov.in_service_checked_in, _blank(cov.in_service_rate)]


def _blank(value):
    return "" if value is None else value


def coverage_sheet(subject: Subject) -> Sheet:
    if subject.committee is None:
        table = coverage.district_coverage(subject.committees.order_by("name", "pk"),
                                           subject.district)
        rows = [_coverage_row(c.name, c.coverage) for c in table["rows"]]
        whole = table["totals"]
        rows.append(_coverage_row(_("District (each unit once)"), whole))
    else:
        committee = coverage.with_coverage(subject.committees).get()
        whole = coverage.coverage_of(committee)
        rows = [_coverage_row(committee.name, whole)]
    return Sheet(
        _("Coverage"),
        [_("Committee"), _("Units with a party organisation"),
         _("... a member organisation today"), _("Rate (%)"),
         _("Units with party members but no organisation"), _("Members living here"),
         _("... reached"), _("Rate (%)"), _("In-service residents to check in"),
         _("... checked in"), _("Rate (%)")],
        rows,
        summary=[(_("Units' organisations in the 大党委 (%)"), _blank(whole.units_rate)),
                 (_("Members reached (%)"), _blank(whole.reached_rate)),
                 (_("In-service residents checked in (%)"), _blank(whole.in_service_rate))],
    )


STEPS = [committees_sheet, members_sheet, checkins_sheet, checkin_list_sheet, activities_sheet,
         funding_sheet, meetings_sheet, matters_sheet, matter_list_sheet, coverage_sheet]


def summary_sheet(subject: Subject, sheets: list[Sheet]) -> Sheet:
    """The first sheet: what the report covers, then each sheet's totals (no query)."""
    period = subject.period
    rows = [
        [_("Report of"), subject.name],
        [_("Period"), period.label],
        [_("First day"), date_cell(period.first)],
        [_("Last day"), date_cell(period.last)],
        [_("Written at"), datetime_cell(timezone.now())],
        [_("Counted"), _("Members, branches, check-ins, open matters, agreements and coverage "
                         "as of the day written; the rest over the period; compliance over "
                         "the period's last year.")],
    ]
    for sheet in sheets:
        rows += [[str(label), value] for label, value in sheet.summary]
    return Sheet(_("Summary"), [_("Figure"), _("Value")], rows)
