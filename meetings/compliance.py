"""Compliance with the meeting rules: a committee's monthly meeting (一月一例会) and a branch's
三会一课 and the rest, month by month, in local (Asia/Shanghai) calendar periods.

The frequencies are settings (``MEETING_FREQUENCIES``). A committee owes its monthly meeting;
each top-level branch owes the branch kinds, and a party group's own meeting counts for its
parent branch. A period is *held* when a meeting of the kind was held (or its minutes signed
off) with a local start date inside it, *not yet due* while its end is after today, and
*missing* otherwise. Each grid costs one query, whatever its size; the district table three.

A committee's joint party lecture or joint organisational life (共同上党课、一道过组织生活)
counts for each invited branch that adopted it, as its party lecture or organisational-life
meeting, when at least one of the branch's members attended: a branch that sent nobody did not
hold it. Its calendar cell says so ("jointly, with the community").
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import OWN_KINDS, Branch, CommitteeMembership
from committees.models import Committee
from committees.terms import TERM_CLASSES, TERM_LABELS, TERM_OVERDUE, term_state

from .models import (
    COMMITTEE_KINDS,
    JOINT_COUNTS_AS,
    JointInvitation,
    Meeting,
    MeetingAttendance,
    MeetingAttendanceStatus,
    MeetingKind,
    MeetingStatus,
)

FREQUENCY_LABELS = {
    "month": _("every month"),
    "quarter": _("every quarter"),
    "year": _("every year"),
}
HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.SIGNED_OFF)


HELD, MISSING, NOT_YET_DUE = "held", "missing", "not_yet_due"
STATE_LABELS = {HELD: _("held"), MISSING: _("missing"), NOT_YET_DUE: _("not yet due")}
JOINT_LABEL = _("jointly, with the community")  # 与社区共同开展
STATE_CLASSES = {
    HELD: "text-bg-success",
    MISSING: "text-bg-danger",
    NOT_YET_DUE: "text-bg-secondary",
}


# --- settings --------------------------------------------------------------------------------


# MeetingKind.values builds a new list on every read: a district's compliance asks hundreds of
# times.
_KINDS = frozenset(MeetingKind.values)


def frequencies() -> dict[str, str]:
    """{meeting kind: "month" | "quarter" | "year"}: ``settings.MEETING_FREQUENCIES``, the one
    place they are written; a bad value stops loudly."""
    value = settings.MEETING_FREQUENCIES
    for kind, frequency in value.items():
        if kind not in _KINDS or frequency not in FREQUENCY_LABELS:
            raise ImproperlyConfigured(
                f"MEETING_FREQUENCIES[{kind!r}] = {frequency!r}: use a meeting kind and one of "
                "month, quarter, year."
            )
    return dict(value)


def committee_kinds() -> list[str]:
    """Kinds a committee owes, in the order of ``MeetingKind``."""
    due = frequencies()
    return [k.value for k in MeetingKind if k in due and k in COMMITTEE_KINDS]


def branch_kinds(has_groups: bool = True) -> list[str]:
    """The kinds a top-level branch owes; the party group meeting only when it has party
    groups (a small branch without any holds none)."""
    due = frequencies()
    return [
        k.value for k in MeetingKind
        if k in due and k not in COMMITTEE_KINDS and (has_groups or k != MeetingKind.GROUP)
    ]


def with_groups(branches):
    """Top-level branches annotated with ``has_groups`` (no extra query)."""
    return branches.annotate(
        has_groups=Exists(Branch.objects.filter(parent_id=OuterRef("pk")))
    )


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # "2026-03", "2026-Q1", "2026"
    start: date
    end: date  # the last day, inclusive
    months: tuple[int, ...]


@functools.lru_cache(maxsize=64)
def periods(year: int, frequency: str) -> tuple[Period, ...]:
    """The periods of ``year`` for a frequency: 12 months, 4 quarters or the year (the same
    tuple each time: a district's compliance asks for them hundreds of times)."""
    return tuple(_periods(year, frequency))


def _periods(year: int, frequency: str) -> list[Period]:
    if frequency == "month":
        return [
            Period(f"{year}-{m:02d}", date(year, m, 1), _last_day(year, m), (m,))
            for m in range(1, 13)
        ]
    if frequency == "quarter":
        return [
            Period(f"{year}-Q{q}", date(year, 3 * q - 2, 1), _last_day(year, 3 * q),
                   (3 * q - 2, 3 * q - 1, 3 * q))
            for q in range(1, 5)
        ]
    if frequency == "year":
        return [Period(str(year), date(year, 1, 1), date(year, 12, 31), tuple(range(1, 13)))]
    raise ValueError(f"unknown frequency {frequency!r}")


def period_of(day: date, frequency: str) -> Period:
    """The period of ``frequency`` that contains ``day``."""
    return next(p for p in periods(day.year, frequency) if day.month in p.months)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- counting held meetings ------------------------------------------------------------------


def _year_bounds(year: int):
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime(year, 1, 1), zone),
        timezone.make_aware(datetime(year + 1, 1, 1), zone),
    )


JOINT = "joint"  # the third item of a key counting the joint meetings of a (kind, month)
PRESENT_STATUSES = (MeetingAttendanceStatus.PRESENT, MeetingAttendanceStatus.LATE)


def held_counts(meetings, year: int, joint=None) -> dict[tuple, dict[tuple, int]]:
    """{holder: {(kind, local month): meetings held}} for the given meetings in ``year``, in
    one query. A holder is ``("committee", id)`` or ``("branch", id)``; a party group's
    "group" meeting is counted for its parent branch.

    ``joint``: invitations (``JointInvitation``) whose joint meetings count for their
    branches, in the same query (a ``UNION ALL``): an adopted invitation to a joint party
    lecture or organisational life held in ``year`` counts for its branch as a lecture or an
    organisational-life meeting when at least one member of the branch attended (present or
    late). Those are also counted under ``(kind, month, JOINT)``, for the calendar to say
    the branch held it jointly, with the community."""
    start, end = _year_bounds(year)
    zone = timezone.get_default_timezone()
    now = timezone.now()
    rows = (
        # held (or signed off) and begun: a meeting cannot be held ahead of its time
        meetings.filter(status__in=HELD_STATUSES, starts_at__gte=start, starts_at__lt=end,
                        starts_at__lte=now)
        .annotate(
            month=ExtractMonth("starts_at", tzinfo=zone),
            holder_branch=Case(
                When(kind=MeetingKind.GROUP, branch__parent_id__isnull=False,
                     then=F("branch__parent_id")),
                default=F("branch_id"),
            ),
            counted_kind=F("kind"),
            joint=Value(0),
        )
        .order_by()
        .values_list("committee_id", "holder_branch", "counted_kind", "month", "joint")
        .annotate(n=Count("pk"))
    )
    if joint is not None:
        attended = MeetingAttendance.objects.filter(
            meeting_id=OuterRef("meeting_id"), member__branch_id=OuterRef("branch_id"),
            status__in=PRESENT_STATUSES,
        )
        rows = rows.union(
            joint.filter(
                adopted_at__isnull=False,
                meeting__kind__in=list(JOINT_COUNTS_AS),
                meeting__status__in=HELD_STATUSES, meeting__starts_at__gte=start,
                meeting__starts_at__lt=end, meeting__starts_at__lte=now,
            )
            .filter(Exists(attended))
            .annotate(
                month=ExtractMonth("meeting__starts_at", tzinfo=zone),
                committee_of=F("meeting__committee_id"),
                holder_branch=F("branch_id"),
                counted_kind=Case(
                    *(When(meeting__kind=k, then=Value(v.value))
                      for k, v in JOINT_COUNTS_AS.items()),
                    output_field=CharField(),
                ),
                joint=Value(1),
            )
            .order_by()
            .values_list("committee_of", "holder_branch", "counted_kind", "month", "joint")
            .annotate(n=Count("pk")),
            all=True,
        )
    counts: dict[tuple, dict[tuple, int]] = {}
    for committee_id, branch_id, kind, month, is_joint, n in rows:
        holder = ("branch", branch_id) if branch_id else ("committee", committee_id)
        cell = counts.setdefault(holder, {})
        cell[(kind, month)] = cell.get((kind, month), 0) + n
        if is_joint:
            cell[(kind, month, JOINT)] = cell.get((kind, month, JOINT), 0) + n
    return counts


# --- grids -----------------------------------------------------------------------------------


@dataclass
class Cell:
    month: int
    period: Period
    state: str
    count: int  # meetings of the kind held in this month
    joint: int = 0  # of which joint meetings of the committee the branch adopted

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def joint_label(self):
        return JOINT_LABEL if self.joint else ""

    @property
    def css(self):
        return STATE_CLASSES[self.state]


@dataclass
class Row:
    kind: str
    frequency: str
    cells: list[Cell] = field(default_factory=list)
    held: int = 0  # periods held
    missing: int = 0  # periods due and not held

    @property
    def label(self):
        return MeetingKind(self.kind).label

    @property
    def frequency_label(self):
        return FREQUENCY_LABELS[self.frequency]

    @property
    def due(self):
        """Periods held or missing: those already due, and any held early."""
        return self.held + self.missing


def _rows(kinds, counts: dict[tuple[str, int], int], year: int, today: date, *,
          cells: bool = True) -> list[Row]:
    """A row per kind with its periods held and missing; ``cells``: also the 12 months of the
    grid (a district's totals need none: a city's are some 25,000)."""
    due = frequencies()
    rows = []
    for kind in kinds:
        row = Row(kind=kind, frequency=due[kind])
        for period in periods(year, row.frequency):
            n = sum(counts.get((kind, m), 0) for m in period.months)
            if n:
                state = HELD
                row.held += 1
            elif period.end >= today:  # its last day is still a day to hold it
                state = NOT_YET_DUE
            else:
                state = MISSING
                row.missing += 1
            if cells:
                row.cells.extend(
                    Cell(month=m, period=period, state=state, count=counts.get((kind, m), 0),
                         joint=counts.get((kind, m, JOINT), 0))
                    for m in period.months
                )
        rows.append(row)
    return rows


def compliance_grid(*, committee=None, branch=None, year: int, today: date | None = None):
    """One holder's rows (one per meeting kind it owes) × 12 months, in one query.

    Pass a committee (its monthly meeting) or a top-level branch (三会一课 and the rest,
    its party groups' meetings counting for it)."""
    if (committee is None) == (branch is None):
        raise TypeError("pass a committee or a branch")
    today = today or timezone.localdate()
    if committee is not None:
        meetings = Meeting.objects.filter(committee=committee, branch__isnull=True)
        holder, kinds = ("committee", committee.pk), committee_kinds()
    else:
        meetings = Meeting.objects.filter(
            Q(branch=branch) | Q(branch__parent=branch, kind=MeetingKind.GROUP)
        )
        has_groups = getattr(branch, "has_groups", None)
        if has_groups is None:
            has_groups = Branch.objects.filter(parent=branch).exists()
        holder, kinds = ("branch", branch.pk), branch_kinds(has_groups)
        joint = JointInvitation.objects.filter(branch=branch)
    counts = held_counts(meetings, year, joint if branch is not None else None).get(holder, {})
    return _rows(kinds, counts, year, today)


def committee_grids(committee, *, year: int, today: date | None = None):
    """The committee's own rows; for each of its branches (residents', retired cadres'), their
    rows; and, for information, the rows of the units' party organisations that are its member
    organisations (they keep their own 三会一课: the committee sees them but does not answer
    for them). Three queries."""
    today = today or timezone.localdate()
    orgs = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=committee
    ).values("branch_id")
    branches = list(
        with_groups(Branch.objects.filter(
            Q(committee=committee, kind__in=OWN_KINDS) | Q(pk__in=orgs), parent__isnull=True
        )).order_by("kind", "name")
    )
    counts = held_counts(
        Meeting.objects.filter(
            Q(committee=committee) | Q(branch_id__in=orgs) | Q(branch__parent_id__in=orgs)
        ),
        year,
        JointInvitation.objects.filter(
            Q(branch__committee=committee, branch__kind__in=OWN_KINDS) | Q(branch_id__in=orgs)
        ),
    )
    own = _rows(committee_kinds(), counts.get(("committee", committee.pk), {}), year, today)
    grids = [
        (b, _rows(branch_kinds(b.has_groups), counts.get(("branch", b.pk), {}), year, today))
        for b in branches
    ]
    return (
        own,
        [(b, rows) for b, rows in grids if b.kind in OWN_KINDS],
        [(b, rows) for b, rows in grids if b.kind not in OWN_KINDS],
    )


# --- the district table ----------------------------------------------------------------------


@dataclass
class CommitteeCompliance:
    committee: Committee
    monthly_held: int
    monthly_due: int
    branches: int
    branch_missing: int
    branch_terms_overdue: int
    share: int | None  # percent of due periods held, None while nothing is due
    term_state: str

    @property
    def monthly_missing(self):
        return self.monthly_due - self.monthly_held

    @property
    def monthly_css(self):
        return STATE_CLASSES[MISSING if self.monthly_missing else HELD]

    @property
    def term_label(self):
        return TERM_LABELS[self.term_state]

    @property
    def term_css(self):
        return TERM_CLASSES[self.term_state]


def district_compliance(district, year: int, today: date | None = None):
    """Per committee of the district: monthly meetings held / due so far, its own branches'
    missing periods (not the units' party organisations, which it coordinates but does not
    own; in-service and party groups owe no 三会一课 of their own), the share of due periods
    held, and the committee's term. Three queries."""
    today = today or timezone.localdate()
    committees = list(Committee.objects.filter(district=district).order_by("name"))
    branches: dict[int, list] = {}
    for branch_id, committee_id, term_end, has_groups in with_groups(Branch.objects.filter(
        committee__district=district, parent__isnull=True, kind__in=OWN_KINDS
    )).values_list("pk", "committee_id", "term_end", "has_groups"):
        branches.setdefault(committee_id, []).append((branch_id, term_end, has_groups))
    counts = held_counts(
        Meeting.objects.filter(committee__district=district), year,
        JointInvitation.objects.filter(branch__committee__district=district,
                                       branch__kind__in=OWN_KINDS),
    )

    table = []
    for committee in committees:
        own = _rows(committee_kinds(), counts.get(("committee", committee.pk), {}), year, today,
                    cells=False)
        monthly = next((r for r in own if r.kind == MeetingKind.MONTHLY), None)
        branch_rows = [
            row
            for branch_id, _term, has_groups in branches.get(committee.pk, [])
            for row in _rows(branch_kinds(has_groups), counts.get(("branch", branch_id), {}),
                             year, today, cells=False)
        ]
        held = sum(r.held for r in own + branch_rows)
        due = sum(r.due for r in own + branch_rows)
        table.append(CommitteeCompliance(
            committee=committee,
            monthly_held=monthly.held if monthly else 0,
            monthly_due=monthly.due if monthly else 0,
            branches=len(branches.get(committee.pk, [])),
            branch_missing=sum(r.missing for r in branch_rows),
            branch_terms_overdue=sum(
                1 for _id, term_end, _groups in branches.get(committee.pk, [])
                if term_state(term_end, today) == TERM_OVERDUE
            ),
            share=round(100 * held / due) if due else None,
            term_state=term_state(committee.term_end, today),
        ))
    return table


# --- what is due now (for reminders) ---------------------------------------------------------


def missing_this_month(counts_for_holder, kinds, today: date) -> list[tuple[str, Period]]:
    """Kinds whose current period ends this month and has no meeting held yet."""
    due = frequencies()
    result = []
    for kind in kinds:
        period = period_of(today, due[kind])
        if period.end.month != today.month:
            continue
        if not any(counts_for_holder.get((kind, m), 0) for m in period.months):
            result.append((kind, period))
    return result


def months_without_monthly(committee, today: date | None = None,
                           held: list[datetime] | None = None) -> list[date]:
    """This year's months whose monthly meeting (一月一例会) was due and not held, as the first
    day of each: what the committee page flags to its secretary (one query; none when
    ``held``, the starts of the meetings ``monthly_held_q`` picks, were read already)."""
    today = today or timezone.localdate()
    if held is None:
        rows = compliance_grid(committee=committee, year=today.year, today=today)
    else:
        counts: dict[tuple[str, int], int] = {}
        for starts_at in held:
            key = (MeetingKind.MONTHLY, timezone.localtime(starts_at).month)
            counts[key] = counts.get(key, 0) + 1
        rows = _rows([k for k in committee_kinds() if k == MeetingKind.MONTHLY], counts,
                     today.year, today)
    monthly = next((row for row in rows if row.kind == MeetingKind.MONTHLY), None)
    if monthly is None:
        return []
    return [date(today.year, cell.month, 1) for cell in monthly.cells if cell.state == MISSING]


def monthly_held_q(year: int) -> Q:
    """A committee's meetings (``branch`` none) that count as its monthly meeting held in
    ``year``, as ``held_counts`` counts them: for ``months_without_monthly(held=…)``."""
    start, end = _year_bounds(year)
    return Q(branch__isnull=True, kind=MeetingKind.MONTHLY, status__in=HELD_STATUSES,
             starts_at__gte=start, starts_at__lt=end, starts_at__lte=timezone.now())
