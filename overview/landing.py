"""The landing pages' to-dos (``/``): what waits for a committee's secretary, a branch's
secretary and a member, each a count with the link to the records behind it.

Every figure is counted from the records, in a fixed number of queries whatever the data's
size: a committee's to-dos, its notices and its matters are one row of correlated counts
(``core.db.count_of``) with when its figures were counted, its monthly-meeting calendar one
query and its kept figures two; a branch's the same
but the figures; a member's landing one query per card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities.models import Activity, ActivitySignup, ActivityStatus, Attendance, SignupState
from activities.selectors import add_places_left
from branches.models import Branch
from committees.models import Committee
from core.db import count_of
from core.models import Notification
from meetings.compliance import NOT_YET_DUE, compliance_grid, with_groups
from meetings.matters import CLOSED, overdue_q
from meetings.models import Matter, Meeting, MeetingKind, MeetingStatus
from members.models import (
    Appraisal,
    CheckIn,
    CheckInStatus,
    Commitment,
    CorrectionRequest,
    CorrectionStatus,
    Member,
    SignUp,
    SignUpStatus,
)
from notices.selectors import received
from units.models import EXPIRY_WARNING_DAYS, Agreement, AgreementStatus

from . import dashboard
from . import figures as kept

# A secretary's landing shows at most this many places (a secretary has one, seldom two).
MAX_PLACES = 5
# A branch's members are appraised (民主评议) early in the next year: until the end of March
# the landing asks about the year before.
APPRAISAL_UNTIL_MONTH = 3
# A member's landing: how many of each it lists.
MEMBER_LIST = 3


@dataclass
class Todo:
    key: str
    label: str
    count: int
    url: str
    late: bool = False  # late already (missed, overdue), not only waiting


def _url(name, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _todos(items) -> list[Todo]:
    """The to-dos with something to do, the late ones first (a stable sort: otherwise in the
    order given)."""
    return sorted((t for t in items if t.count), key=lambda t: not t.late)


def owed_and_missed(rows, today) -> tuple[int, int]:
    """From a compliance calendar's rows: how many kinds of meeting are still to hold in the
    current period (this month, this quarter…), and how many periods this year were missed."""
    owed = missed = 0
    for row in rows:
        cell = next((c for c in row.cells if c.month == today.month), None)
        if cell is not None and cell.state == NOT_YET_DUE:
            owed += 1
        missed += row.missing
    return owed, missed


def _open_receipts(user, **holder) -> int:
    return received(user, waiting_only=True, **holder).count()


@dataclass
class CommitteeLanding:
    committee: Committee
    todos: list = field(default_factory=list)
    figures: dashboard.CommitteeRow | None = None
    counted_at: datetime | None = None  # when the kept figures were counted


def committee_landing(user, committee, period) -> CommitteeLanding:
    """A committee secretary's to-dos and the committee's figures over ``period`` as last
    counted (``overview.figures``; four queries)."""
    now = timezone.now()
    today = timezone.localdate(now)
    counts = Committee.objects.filter(pk=committee.pk).annotate(
        n_checkins=count_of(CheckIn.objects.filter(
            committee=OuterRef("pk"), status=CheckInStatus.PENDING)),
        n_signups=count_of(SignUp.objects.filter(
            committee=OuterRef("pk"), status=SignUpStatus.PENDING)),
        n_waiting=count_of(ActivitySignup.objects.filter(
            activity__committee=OuterRef("pk"), state=SignupState.WAITING,
            activity__starts_at__gte=now,
        ).exclude(activity__status=ActivityStatus.CANCELLED)),
        n_minutes=count_of(Meeting.objects.filter(
            committee=OuterRef("pk"), branch__isnull=True, status=MeetingStatus.HELD)),
        n_overdue=count_of(Matter.objects.filter(overdue_q(today), committee=OuterRef("pk"))),
        n_expiring=count_of(Agreement.objects.filter(
            committee=OuterRef("pk"), status=AgreementStatus.IN_FORCE,
            ends_on__gte=today, ends_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS))),
        n_no_outcome=count_of(Activity.objects.filter(
            committee=OuterRef("pk"), ends_at__lt=now,
            status__in=(ActivityStatus.PLANNED, ActivityStatus.OPEN))),
        n_corrections=count_of(CorrectionRequest.objects.filter(
            Q(member__committee=OuterRef("pk")) | Q(member__branch__committee=OuterRef("pk")),
            status=CorrectionStatus.PENDING)),
        n_notices=count_of(received(user, waiting_only=True, committee=committee)),
        n_open=count_of(Matter.objects.filter(committee=OuterRef("pk")).exclude(
            status__in=CLOSED)),
        n_flagged=count_of(Matter.objects.filter(committee=OuterRef("pk"), risk_flag=True)
                           .exclude(status__in=CLOSED)),
    ).values("n_checkins", "n_signups", "n_waiting", "n_minutes", "n_overdue", "n_expiring",
             "n_no_outcome", "n_corrections", "n_notices", "n_open", "n_flagged",
             "figure_count__counted_at").get()
    owed, missed = owed_and_missed(
        [r for r in compliance_grid(committee=committee, year=today.year, today=today)
         if r.kind == MeetingKind.MONTHLY],
        today,
    )
    pk = committee.pk
    queue = _url("members:checkin-queue", pk)
    todos = _todos([
        Todo("checkins", pgettext("residence check-in", "Check-ins to confirm"),
             counts["n_checkins"], queue),
        Todo("signups", pgettext("self-registration", "Registrations to approve"),
             counts["n_signups"], queue + "#signups"),
        Todo("corrections", _("Corrections of members' details to decide"),
             counts["n_corrections"], _url("members:correction-list", pk)),
        Todo("notices", _("Notices to sign or answer"),
             counts["n_notices"], _url("notices:notice-list")),
        Todo("monthly-owed", _("Monthly meeting still to hold this month"), owed,
             _url("meetings:committee-compliance", pk, year=today.year)),
        Todo("monthly-missed", _("Months without a monthly meeting this year"), missed,
             _url("meetings:committee-compliance", pk, year=today.year), late=True),
        Todo("minutes", _("Meeting minutes to sign off"), counts["n_minutes"],
             _url("meetings:meeting-list", pk, holder="committee", status=MeetingStatus.HELD)),
        Todo("flagged", _("Matters at risk of escalation (上访苗头)"), counts["n_flagged"],
             _url("meetings:matter-list", pk, flagged="true"), late=True),
        Todo("overdue", _("Matters overdue"), counts["n_overdue"],
             _url("meetings:matter-list", pk, overdue="true"), late=True),
        Todo("expiring", _("Agreements ending soon"), counts["n_expiring"],
             _url("units:agreement-list", pk)),
        Todo("no-outcome", _("Activities over without an outcome"), counts["n_no_outcome"],
             _url("activities:activity-list", committee=pk, outcome="missing")),
        Todo("waiting", pgettext("activity sign-up", "Members on a waiting list"),
             counts["n_waiting"], _url("activities:activity-list", committee=pk,
                                       status=ActivityStatus.OPEN)),
    ])
    counted_at = counts["figure_count__counted_at"]
    if counted_at is None:  # a committee never counted: now (``figures.ensure_counted``)
        kept.count_committee(pk)
        counted_at = timezone.now()
    figures = dashboard.committee_row(committee, period, open_matters=counts["n_open"],
                                      overdue_matters=counts["n_overdue"],
                                      flagged_matters=counts["n_flagged"])
    return CommitteeLanding(committee=committee, todos=todos, figures=figures,
                            counted_at=counted_at)


@dataclass
class BranchLanding:
    branch: Branch
    todos: list = field(default_factory=list)


def appraisal_year(today) -> int:
    return today.year - 1 if today.month <= APPRAISAL_UNTIL_MONTH else today.year


def branch_landing(user, branch) -> BranchLanding:
    """A branch secretary's to-dos: meetings (三会一课) owed now and missed this year, minutes
    to sign off, members not yet appraised, notices (four queries)."""
    today = timezone.localdate()
    year = appraisal_year(today)
    counts = with_groups(Branch.objects.filter(pk=branch.pk)).annotate(
        n_minutes=count_of(Meeting.objects.filter(branch=OuterRef("pk"),
                                                  status=MeetingStatus.HELD)),
        n_unappraised=count_of(Member.objects.filter(branch=OuterRef("pk")).filter(
            ~Exists(Appraisal.objects.filter(member=OuterRef("pk"), year=year)))),
    ).values("has_groups", "n_minutes", "n_unappraised").get()
    branch.has_groups = counts["has_groups"]
    owed, missed = owed_and_missed(
        compliance_grid(branch=branch, year=today.year, today=today), today)
    pk = branch.pk
    compliance = _url("meetings:branch-compliance", pk, year=today.year)
    todos = _todos([
        Todo("notices", _("Notices to sign or answer"), _open_receipts(user, branch=branch),
             _url("notices:notice-list")),
        Todo("meetings-owed", _("Meetings still to hold this period"), owed, compliance),
        Todo("meetings-missed", _("Meetings missed this year"), missed, compliance, late=True),
        Todo("minutes", _("Meeting minutes to sign off"), counts["n_minutes"],
             _url("meetings:meeting-list", branch.committee_id, holder=pk,
                  status=MeetingStatus.HELD)),
        Todo("appraisal", _("Members not yet appraised for %(year)s") % {"year": year},
             counts["n_unappraised"], _url("members:appraisal-summary", pk, year=year)),
    ])
    return BranchLanding(branch=branch, todos=todos)


@dataclass
class MemberLanding:
    member: Member
    checkin: CheckIn | None  # pending or confirmed, the latest
    returned: CheckIn | None  # returned since, when nothing is active
    meetings: list
    activities: list
    hours: Decimal
    hours_year: int
    commitments: list
    notifications: list


def member_landing(user, member) -> MemberLanding:
    """What a member opens on their phone: where they belong and their 报到, their branch's
    next meetings, activities near home open for sign-up, their hours this year, their
    commitments and their latest notifications (seven queries)."""
    now = timezone.now()
    year = timezone.localdate(now).year
    checkins = list(
        member.checkins.select_related("committee").order_by("-requested_at", "-pk")[:2]
    )
    active = next((c for c in checkins if c.status in (CheckInStatus.PENDING,
                                                        CheckInStatus.CONFIRMED)), None)
    returned = (checkins[0] if not active and checkins
                and checkins[0].status == CheckInStatus.RETURNED else None)
    holders = [member.branch_id] + ([member.party_group_id] if member.party_group_id else [])
    meetings = list(
        Meeting.objects.for_user(user)  # those they are expected at (they may open them)
        .filter(branch_id__in=holders, starts_at__gte=now, status=MeetingStatus.PLANNED)
        .select_related("branch").order_by("starts_at", "pk")[:MEMBER_LIST]
    )
    near = {member.committee_id}
    if active is not None and active.status == CheckInStatus.CONFIRMED:
        near.add(active.committee_id)
    activities = list(
        Activity.objects.filter(committee_id__in=near, status=ActivityStatus.OPEN,
                                starts_at__gte=now)
        .select_related("committee").order_by("starts_at", "pk")[:MEMBER_LIST]
    )
    add_places_left(activities)
    hours = Attendance.objects.filter(
        member=member, activity__starts_at__year=year,
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return MemberLanding(
        member=member,
        checkin=active,
        returned=returned,
        meetings=meetings,
        activities=activities,
        hours=hours,
        hours_year=year,
        commitments=list(Commitment.objects.filter(member=member, year=year)),
        notifications=list(Notification.objects.filter(user=user)[:MEMBER_LIST + 2]),
    )
