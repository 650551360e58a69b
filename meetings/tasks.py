"""Reminders, run daily by Celery beat (``CELERY_BEAT_SCHEDULE`` in settings).

- meetings: from ``REMINDER_DAY_OF_MONTH`` to the month's end, each committee missing its
  monthly meeting, and each branch missing a meeting whose period ends this month, reminds its
  secretaries once (a day missed while beat was down is caught up by the next day's run);
- overdue matters: every day, the people answering for each overdue matter and the
  committee's side;
- terms (换届): ``TERM_REMINDER_MONTHS`` (six and one) months before a committee's, a
  branch's or a seat's term ends, the committee's side and the district's officers.

Reminders are notifications keyed by what they are about (``core.notify``), so a run that
is repeated or retried sends nothing twice. Tasks take ISO dates, retry on database
hiccups, and write their texts in the portal's language (Chinese).
"""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import Branch
from committees.models import Committee, Seat
from committees.terms import term_reminder_months
from core.dates import add_months
from core.notify import notify
from core.scope import role_holders

from . import compliance
from .models import JointInvitation, Matter, MatterStatus, Meeting, MeetingKind

OPEN_MATTER_STATUSES = (
    MatterStatus.OPEN, MatterStatus.DELIBERATED, MatterStatus.IN_PROGRESS,
)


def _day(today) -> date:
    if today is None:
        return timezone.localdate()
    if isinstance(today, date):
        return today
    return date.fromisoformat(today)


def reminder_day() -> int:
    return int(getattr(settings, "REMINDER_DAY_OF_MONTH", 20))


def _send(batches) -> int:
    """Notify each (user ids, key, text, url); the users are loaded in one query. Returns how
    many notifications are new."""
    batches = list(batches)
    users = get_user_model().objects.filter(is_active=True).in_bulk(
        {uid for user_ids, *_rest in batches for uid in user_ids}
    )
    made = 0
    for user_ids, key, text, url in batches:
        for user_id in sorted(user_ids):
            if user_id in users:
                made += notify(user=users[user_id], key=key, text=text, url=url)[1]
    return made


# --- meetings --------------------------------------------------------------------------------

def meeting_reminders(*, today=None, force: bool = False) -> int:
    """From the reminder day to the month's end (or with ``force``), remind every holder
    missing a meeting due this month, once: the keys name the period, so the days after the
    reminder day send only what a missed day (beat down) did not. Returns the number of new
    notifications."""
    today = _day(today)
    if today.day < reminder_day() and not force:
        return 0
    counts = compliance.held_counts(Meeting.objects.all(), today.year,
                                    JointInvitation.objects.all())
    committees = list(Committee.objects.values_list("pk", "name"))
    branches = list(compliance.with_groups(Branch.objects.filter(parent__isnull=True))
                    .values_list("pk", "name", "has_groups"))
    c_users = role_holders("committee", {pk for pk, _name in committees})
    b_users = role_holders("branch", {pk for pk, _name, _groups in branches})

    def batches():
        for holder, rows, users, url_name in (
            ("committee", [(pk, name, False) for pk, name in committees], c_users,
             "meetings:committee-compliance"),
            ("branch", branches, b_users, "meetings:branch-compliance"),
        ):
            for pk, name, has_groups in rows:
                kinds = (compliance.committee_kinds() if holder == "committee"
                         else compliance.branch_kinds(has_groups))
                missing = compliance.missing_this_month(
                    counts.get((holder, pk), {}), kinds, today
                )
                for kind, period in missing:
                    text = _("%(holder)s has not held its %(kind)s for %(period)s yet.") % {
                        "holder": name, "kind": MeetingKind(kind).label, "period": period.key,
                    }
                    url = reverse(url_name, args=[pk]) + f"?year={today.year}"
                    key = f"meeting:{holder}:{pk}:{kind}:{period.key}"
                    yield users.get(pk, set()), key, text, url

    return _send(batches())


# --- overdue matters -------------------------------------------------------------------------

def overdue_matter_reminders(*, today=None) -> int:
    """Every overdue, unresolved matter: one reminder a day to whoever answers for it (the
    responsible member, the team's leader, the unit's liaisons) and the committee's side."""
    today = _day(today)
    matters = list(
        Matter.objects.filter(due_on__lt=today, status__in=OPEN_MATTER_STATUSES)
        .select_related("committee", "responsible_member", "responsible_team__leader")
        .order_by("pk")
    )
    c_users = role_holders("committee", {m.committee_id for m in matters})
    liaisons = role_holders(
        "unit", {m.responsible_unit_id for m in matters if m.responsible_unit_id}
    )

    def batches():
        for matter in matters:
            users = set(c_users.get(matter.committee_id, set()))
            users |= liaisons.get(matter.responsible_unit_id, set())
            if matter.responsible_member and matter.responsible_member.user_id:
                users.add(matter.responsible_member.user_id)
            team = matter.responsible_team
            if team and team.leader and team.leader.user_id:
                users.add(team.leader.user_id)
            text = _("The matter “%(title)s” (%(committee)s) was due on %(due)s and is not "
                     "resolved yet.") % {
                "title": matter.title, "committee": matter.committee.name,
                "due": matter.due_on.isoformat(),
            }
            key = f"matter:{matter.pk}:overdue:{today.isoformat()}"
            yield users, key, text, matter.get_absolute_url()

    return _send(batches())


# --- terms (换届) -----------------------------------------------------------------------------

def term_threshold(term_end: date, today: date) -> int | None:
    """The reminder threshold (in months) reached today for a term ending on ``term_end``:
    the smallest of ``TERM_REMINDER_MONTHS`` not yet past, None when none applies."""
    if term_end <= today:
        return None
    # Counted back from the end (31 August less six months is 28 February): counting forward
    # from today would clamp month ends and remind a day late.
    reached = [m for m in term_reminder_months()
               if today >= add_months(term_end, -m)]
    return min(reached) if reached else None


def term_reminders(*, today=None) -> int:
    """Six and one month (by default) before a term ends, one reminder per threshold."""
    today = _day(today)
    # a few days' slack for month ends; term_threshold decides exactly
    horizon = add_months(today, max(term_reminder_months())) + timedelta(
        days=4)
    window = {"term_end__gt": today, "term_end__lte": horizon}
    committees = list(Committee.objects.filter(**window).values_list(
        "pk", "name", "district_id", "term_end"))
    branches = list(Branch.objects.filter(parent__isnull=True, **window).values_list(
        "pk", "name", "committee_id", "committee__name", "committee__district_id", "term_end"))
    seats = list(Seat.objects.filter(**window).select_related("committee", "member"))
    committee_ids = ({c[0] for c in committees} | {b[2] for b in branches}
                     | {s.committee_id for s in seats})
    district_ids = ({c[2] for c in committees} | {b[4] for b in branches}
                    | {s.committee.district_id for s in seats})
    c_users = role_holders("committee", committee_ids)
    d_users = role_holders("district", district_ids)
    b_users = role_holders("branch", {b[0] for b in branches})

    def batches():
        for pk, name, district_id, term_end in committees:
            months = term_threshold(term_end, today)
            if months:
                text = _("The term of %(name)s ends on %(date)s: prepare the re-election.") % {
                    "name": name, "date": term_end.isoformat()}
                yield (c_users.get(pk, set()) | d_users.get(district_id, set()),
                       f"term:committee:{pk}:{term_end.isoformat()}:{months}m", text,
                       reverse("overview:committee-detail", args=[pk]))
        for pk, name, committee_id, committee_name, district_id, term_end in branches:
            months = term_threshold(term_end, today)
            if months:
                text = _("The term of %(name)s (%(committee)s) ends on %(date)s: prepare the "
                         "re-election.") % {
                    "name": name, "committee": committee_name, "date": term_end.isoformat()}
                yield (c_users.get(committee_id, set()) | d_users.get(district_id, set())
                       | b_users.get(pk, set()),
                       f"term:branch:{pk}:{term_end.isoformat()}:{months}m", text,
                       reverse("branches:branch-detail", args=[pk]))
        for seat in seats:
            months = term_threshold(seat.term_end, today)
            if months:
                text = _("The term of %(holder)s's seat on %(committee)s ends on %(date)s.") % {
                    "holder": seat.holder, "committee": seat.committee.name,
                    "date": seat.term_end.isoformat()}
                yield (c_users.get(seat.committee_id, set())
                       | d_users.get(seat.committee.district_id, set()),
                       f"term:seat:{seat.pk}:{seat.term_end.isoformat()}:{months}m", text,
                       reverse("overview:committee-detail", args=[seat.committee_id]))

    return _send(batches())


# --- the tasks -------------------------------------------------------------------------------

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**RETRY)
def send_meeting_reminders(today: str | None = None, force: bool = False) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return meeting_reminders(today=today, force=force)


@shared_task(**RETRY)
def send_overdue_matter_reminders(today: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return overdue_matter_reminders(today=today)


@shared_task(**RETRY)
def send_term_reminders(today: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return term_reminders(today=today)


# The reminders were ``activities.tasks.*`` until meetings became their own app. A message
# queued under an old name (a retry, or a beat not yet restarted when the new code deployed)
# still runs; remove these names one release after the move.
LEGACY_NAMES = {
    "activities.tasks.send_meeting_reminders": send_meeting_reminders,
    "activities.tasks.send_overdue_matter_reminders": send_overdue_matter_reminders,
    "activities.tasks.send_term_reminders": send_term_reminders,
}
for _legacy, _task in LEGACY_NAMES.items():
    shared_task(name=_legacy, **RETRY)(_task.run)
