"""The figures of a report by period, family by family, for a set of committees (a district's
or one): each function is one grouped query whatever the number of committees or records,
keyed by committee id. The workbook (``overview.reports_sheets``) and the printable committee
summary (``overview.summary``) both read them.

Figures of stock (members, branches, check-ins confirmed, open matters, agreements, coverage)
are as of today; figures of flow (check-ins started, activities, attendance and hours, money,
meetings held, matters raised and resolved) follow the period, as on the dashboard. Nothing
here reads an ID number or a mobile number."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Activity, ActivityStatus, Attendance, Funding, FundingState
from branches.models import OWN_KINDS, Branch, BranchKind, CommitteeMembership
from core.db import count_of
from meetings.compliance import HELD_STATUSES
from meetings.matters import CLOSED, overdue_q, with_overdue
from meetings.models import Matter, MatterStatus, Meeting, MeetingKind
from members.models import CheckIn, CheckInStatus, Member
from units.models import Agreement

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(queryset, field):
    """The sum of ``field`` over ``queryset`` (filtered on an ``OuterRef``), 0 when none."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(t=Sum(field)).values("t")[:1], output_field=MONEY),
        Decimal(0), output_field=MONEY,
    )


def _activities(committees, period):
    return Activity.objects.filter(
        committee__in=committees, starts_at__gte=period.start, starts_at__lt=period.end,
    ).exclude(status=ActivityStatus.CANCELLED)


def committee_rows(committees, period) -> list:
    """Each committee with its main figures (one query): ``n_members``, ``n_branches`` (its
    own 党支部), ``n_unit_orgs`` (member organisations today), ``n_checked_in`` (confirmed
    today), ``n_started`` (check-ins begun in the period), ``n_activities``, ``n_attendance``,
    ``n_hours``, ``n_money`` (received), ``n_open``, ``n_overdue``, ``n_resolved`` (in the
    period), ``n_agreements`` (in force today)."""
    here = OuterRef("pk")
    in_period = Q(activity__starts_at__gte=period.start, activity__starts_at__lt=period.end)
    attendance = Attendance.objects.filter(in_period, activity__committee=here).exclude(
        activity__status=ActivityStatus.CANCELLED)
    return list(
        committees.order_by("name", "pk").annotate(
            n_members=count_of(Member.objects.filter(committee=here)),
            n_branches=count_of(Branch.objects.filter(
                committee=here, parent__isnull=True, kind__in=OWN_KINDS)),
            n_unit_orgs=count_of(CommitteeMembership.objects.filter(
                CommitteeMembership.current_q(), committee=here)),
            n_checked_in=count_of(CheckIn.objects.filter(
                committee=here, status=CheckInStatus.CONFIRMED)),
            n_started=count_of(CheckIn.objects.filter(
                committee=here, started_on__range=(period.first, period.last))),
            n_activities=count_of(
                Activity.objects.filter(committee=here, starts_at__gte=period.start,
                                        starts_at__lt=period.end)
                .exclude(status=ActivityStatus.CANCELLED)),
            n_attendance=count_of(attendance),
            n_hours=_sum(attendance.values("activity__committee"), "hours"),
            n_money=_sum(Funding.objects.filter(
                committee=here, state=FundingState.RECEIVED,
                date__range=(period.first, period.last)).values("committee"), "amount"),
            n_open=count_of(Matter.objects.filter(committee=here).exclude(status__in=CLOSED)),
            n_overdue=count_of(Matter.objects.filter(overdue_q(), committee=here)),
            n_resolved=count_of(Matter.objects.filter(
                committee=here, status=MatterStatus.RESOLVED,
                resolved_on__range=(period.first, period.last))),
            n_agreements=count_of(Agreement.objects.filter(Agreement.in_force_q(),
                                                           committee=here)),
        )
    )


def members_by_category(committees) -> dict:
    """{committee id: {category: members living there}} (one query)."""
    counts: dict = defaultdict(dict)
    for committee_id, category, n in (
        Member.objects.filter(committee__in=committees).order_by()
        .values_list("committee_id", "category").annotate(n=Count("pk"))
    ):
        counts[committee_id][category] = n
    return counts


def members_by_branch(committee) -> list:
    """The branches one committee works with (its own, and the units' organisations that are
    its member organisations today), each with ``by_category`` of the members whose membership
    it holds (two queries)."""
    branches = list(Branch.objects.of_committee(committee).order_by("kind", "name", "pk"))
    counts: dict = defaultdict(dict)
    for branch_id, category, n in (
        Member.objects.filter(branch__in=[b.pk for b in branches]).order_by()
        .values_list("branch_id", "category").annotate(n=Count("pk"))
    ):
        counts[branch_id][category] = n
    for branch in branches:
        branch.by_category = counts[branch.pk]
    return branches


def branches_by_kind(committees) -> dict:
    """{committee id: {branch kind: n}}: its own 党支部 by kind, and the units' party
    organisations that are its member organisations today (party groups and in-service groups
    are not branches). Two queries."""
    counts: dict = defaultdict(dict)
    for committee_id, kind, n in (
        Branch.objects.filter(committee__in=committees, parent__isnull=True, kind__in=OWN_KINDS)
        .order_by().values_list("committee_id", "kind").annotate(n=Count("pk"))
    ):
        counts[committee_id][kind] = n
    for committee_id, n in (
        CommitteeMembership.objects.filter(CommitteeMembership.current_q(),
                                           committee__in=committees)
        .order_by().values_list("committee_id").annotate(n=Count("branch_id", distinct=True))
    ):
        counts[committee_id][BranchKind.UNIT] = n
    return counts


def checkin_counts(committees, period) -> dict:
    """{committee id: {"confirmed", "pending" (today), "started", "ended" (in the period)}}
    (one query)."""
    days = (period.first, period.last)
    rows = (
        CheckIn.objects.filter(committee__in=committees).order_by().values_list("committee_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=CheckInStatus.CONFIRMED)),
            pending=Count("pk", filter=Q(status=CheckInStatus.PENDING)),
            started=Count("pk", filter=Q(started_on__range=days)),
            ended=Count("pk", filter=Q(ended_on__range=days)),
        )
    )
    return {c: {"confirmed": a, "pending": b, "started": s, "ended": e}
            for c, a, b, s, e in rows}


def checkin_list(committees, period):
    """The check-ins (报到) begun in the period: the member's name, the committee, the
    employer and the dates; never an ID number or a mobile (one query)."""
    return (
        CheckIn.objects.filter(committee__in=committees,
                               started_on__range=(period.first, period.last))
        .order_by("committee__name", "started_on", "member__name", "pk")
        .values_list("member__name", "committee__name", "member__employer_unit__name",
                     "member__employer_name", "started_on", "ended_on", "status")
    )


def activity_rows(committees, period):
    """Each activity of the period (cancelled ones left out), with its committee's name,
    ``n_attendance`` and ``n_hours`` (one query)."""
    here = OuterRef("pk")
    return (
        _activities(committees, period)
        .annotate(
            n_attendance=count_of(Attendance.objects.filter(activity=here)),
            n_hours=_sum(Attendance.objects.filter(activity=here).values("activity"), "hours"),
        )
        .order_by("starts_at", "pk")
        .values_list("starts_at", "committee__name", "title", "line", "status", "n_attendance",
                     "n_hours")
    )


def activities_by_line(committees, period) -> dict:
    """{committee id: {line: activities in the period}} (one query)."""
    counts: dict = defaultdict(dict)
    for committee_id, line, n in (
        _activities(committees, period).order_by().values_list("committee_id", "line")
        .annotate(n=Count("pk"))
    ):
        counts[committee_id][line] = n
    return counts


def money_by_source(committees, period) -> dict:
    """{committee id: {(source, state): yuan}} of the funding lines dated in the period (one
    query; money is counted from funding lines only)."""
    sums: dict = defaultdict(dict)
    for committee_id, source, state, total in (
        Funding.objects.filter(committee__in=committees, date__range=(period.first, period.last))
        .order_by().values_list("committee_id", "source", "state").annotate(t=Sum("amount"))
    ):
        sums[committee_id][(source, state)] = total
    return sums


def meetings_held(committees, period, *, branch_ids=()) -> dict:
    """{(committee id, branch id or None): {kind: meetings held in the period}} of the
    committees' meetings and those of ``branch_ids`` (units' organisations kept by another
    committee): held or signed off, begun by now; a party group's meeting counts for its
    branch (one query)."""
    counts: dict = defaultdict(dict)
    whose = Q(committee__in=committees)
    if branch_ids:
        whose |= Q(branch_id__in=branch_ids) | Q(branch__parent_id__in=branch_ids)
    for committee_id, branch_id, kind, n in (
        Meeting.objects.filter(
            whose, status__in=HELD_STATUSES, starts_at__gte=period.start,
            starts_at__lt=period.end, starts_at__lte=timezone.now(),
        )
        .annotate(holder=Case(
            When(kind=MeetingKind.GROUP, branch__parent_id__isnull=False,
                 then=F("branch__parent_id")),
            default=F("branch_id"),
        ))
        .order_by().values_list("committee_id", "holder", "kind").annotate(n=Count("pk"))
    ):
        cell = counts[(committee_id, branch_id)]
        cell[kind] = cell.get(kind, 0) + n
    return counts


def matter_counts(committees, period) -> dict:
    """{committee id: {status: n (today), "overdue", "raised" (in the period)}} (one query)."""
    counts: dict = defaultdict(lambda: {"overdue": 0, "raised": 0})
    for committee_id, status, n, late, raised in (
        Matter.objects.filter(committee__in=committees).order_by()
        .values_list("committee_id", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q()),
                  raised=Count("pk", filter=Q(raised_on__range=(period.first, period.last))))
    ):
        cell = counts[committee_id]
        cell[status] = n
        cell["overdue"] += late
        cell["raised"] += raised
    return counts


def matter_days(committees, period) -> dict:
    """{committee id: [days from raised to resolved]} for matters resolved in the period (one
    query)."""
    days: dict = defaultdict(list)
    for committee_id, raised, resolved in Matter.objects.filter(
        committee__in=committees, status=MatterStatus.RESOLVED,
        resolved_on__range=(period.first, period.last),
    ).values_list("committee_id", "raised_on", "resolved_on"):
        days[committee_id].append((resolved - raised).days)
    return days


def matter_list(committees, period):
    """The matters the period touched: raised or resolved in it, or still open; title, kind,
    status and dates, never who raised it (one query)."""
    days = (period.first, period.last)
    return (
        with_overdue(Matter.objects.filter(committee__in=committees).filter(
            Q(raised_on__range=days) | Q(resolved_on__range=days) | ~Q(status__in=CLOSED)))
        .order_by("committee__name", "raised_on", "pk")
        .values_list("committee__name", "title", "kind", "status", "raised_on", "due_on",
                     "resolved_on", "is_overdue")
    )
