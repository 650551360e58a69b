"""Commitments kept (承诺践诺): what the records show of each commitment, and the reminders.

A commitment (``members.Commitment``) says how it will be seen: activities attended, volunteer
hours, or a matter taken on. The figures come from the portal's records for the commitment's
year, never typed: attendance and its hours (``activities.Attendance`` at activities starting
in the year), matters the member answers for (``meetings.Matter.responsible_member``, raised in
the year) and activities they organised (created by their account, not cancelled). They live
here, above activities and meetings, since members sits below both.

Reminders (Celery beat, daily; ``overview.tasks``), notifications keyed by what they are about
so a run repeated or retried sends nothing twice:

- the quarterly nudge: from ``NUDGE_DAY`` of a quarter's last month to its end, each member
  with a commitment of the year and no attendance in the quarter;
- the review reminder: from December 1 (``Commitment.review_opens``) to the end of January,
  the committee's side of each committee with commitments of the year not reviewed yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Activity, ActivityStatus, Attendance
from core.dates import year_dates
from core.notify import notify
from core.scope import role_holders
from meetings.models import Matter
from members.models import Commitment, CommitmentMeasure, Member

NUDGE_DAY = 15  # of the quarter's last month


@dataclass(frozen=True)
class Evidence:
    """What the records show of one member in one year."""

    activities: int = 0
    hours: Decimal = Decimal("0")
    matters: int = 0
    organised: int = 0


def evidence(member_ids, year: int) -> dict[int, Evidence]:
    """Each member's figures for ``year`` (members without any are absent): three queries,
    whatever the number of members."""
    member_ids = set(member_ids)
    if not member_ids:
        return {}
    first, last = year_dates(year)
    found: dict[int, dict] = {}
    for row in (
        Attendance.objects.filter(
            member_id__in=member_ids, activity__starts_at__date__range=(first, last)
        ).values("member_id").annotate(n=Count("pk"), h=Sum("hours")).order_by()
    ):
        found.setdefault(row["member_id"], {}).update(activities=row["n"], hours=row["h"])
    for row in (
        Matter.objects.filter(
            responsible_member_id__in=member_ids, raised_on__range=(first, last)
        ).values("responsible_member_id").annotate(n=Count("pk")).order_by()
    ):
        found.setdefault(row["responsible_member_id"], {})["matters"] = row["n"]
    users = dict(
        Member.objects.filter(pk__in=member_ids, user__isnull=False).values_list("user_id", "pk")
    )
    if users:
        for row in (
            Activity.objects.filter(
                created_by_id__in=users, starts_at__date__range=(first, last)
            ).exclude(status=ActivityStatus.CANCELLED)
            .values("created_by_id").annotate(n=Count("pk")).order_by()
        ):
            found.setdefault(users[row["created_by_id"]], {})["organised"] = row["n"]
    return {pk: Evidence(**values) for pk, values in found.items()}


@dataclass(frozen=True)
class Fulfilment:
    """One commitment beside its records: the figure its measure reads and its target."""

    commitment: Commitment
    evidence: Evidence
    figure: Decimal | int
    target: int | None
    reached: bool


def fulfilment(commitment: Commitment, found: Evidence | None) -> Fulfilment:
    found = found or Evidence()
    if commitment.measure == CommitmentMeasure.HOURS:
        figure = found.hours
    elif commitment.measure == CommitmentMeasure.MATTER:
        figure = found.matters
    else:
        figure = found.activities
    # A matter taken on is one matter; a commitment carried over from before targets were
    # asked for (migration members 0013) has none, so it is never shown as reached.
    target = 1 if commitment.measure == CommitmentMeasure.MATTER else commitment.target
    return Fulfilment(commitment, found, figure, target,
                      target is not None and figure >= target)


def fulfilments(commitments, year: int) -> list[Fulfilment]:
    """``commitments`` (of one year) each with its figures."""
    commitments = list(commitments)
    found = evidence({c.member_id for c in commitments}, year)
    return [fulfilment(c, found.get(c.member_id)) for c in commitments]


def committee_commitments(user, committee, year: int):
    """The commitments made to ``committee`` for ``year`` that ``user`` reads (its side reads
    them all), by member's name, with their notes."""
    return (
        Commitment.objects.for_user(user).filter(committee=committee, year=year)
        .select_related("member", "reviewed_by").prefetch_related("notes")
        .order_by("member__name", "pk")
    )


# --- reminders ----------------------------------------------------------------------------


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_dates(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def _send(user_ids, *, key: str, text: str, url: str) -> int:
    users = get_user_model().objects.filter(is_active=True, pk__in=user_ids)
    return sum(notify(user=user, key=key, text=text, url=url)[1] for user in users)


def quarterly_nudges(*, today: date | None = None) -> int:
    """From ``NUDGE_DAY`` of the quarter's last month: each member with a commitment this
    year and no attendance in the quarter, once per quarter. Returns the new notifications."""
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    if today.month != 3 * quarter or today.day < NUDGE_DAY:
        return 0
    first, last = quarter_dates(today.year, quarter)
    idle = (
        Member.objects.filter(commitments__year=today.year, user__isnull=False,
                              user__is_active=True)
        .exclude(attendances__activity__starts_at__date__range=(first, last))
        .distinct().select_related("user")
    )
    url = reverse("overview:my-commitments")
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Your commitments for %(year)s: no service recorded this quarter yet. An "
                 "activity near you is a good way to keep them.") % {"year": today.year}
        for member in idle.iterator(chunk_size=500):
            made += notify(
                user=member.user, key=f"commitment-nudge:{today.year}-Q{quarter}:{member.pk}",
                text=text, url=url,
            )[1]
    return made


def review_reminders(*, today: date | None = None) -> int:
    """From December 1 to the end of January: the side of each committee with commitments of
    the ending (or just ended) year not yet reviewed, once per committee and year."""
    today = today or timezone.localdate()
    if today >= Commitment.review_opens(today.year):
        year = today.year
    elif today.month == 1:
        year = today.year - 1
    else:
        return 0
    waiting = dict(
        Commitment.objects.filter(year=year, reviewed_at__isnull=True)
        .values("committee_id").annotate(n=Count("pk")).values_list("committee_id", "n")
        .order_by()
    )
    if not waiting:
        return 0
    holders = role_holders("committee", set(waiting))
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for committee_id, n in sorted(waiting.items()):
            text = ngettext(
                "%(n)s commitment of %(year)s waits for the committee's year-end review.",
                "%(n)s commitments of %(year)s wait for the committee's year-end review.", n,
            ) % {"n": n, "year": year}
            url = reverse("overview:committee-commitments", args=[committee_id]) + f"?year={year}"
            made += _send(holders.get(committee_id, set()),
                          key=f"commitment-review:{year}:{committee_id}", text=text, url=url)
    return made
