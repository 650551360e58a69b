"""Reads of meetings and matters that other pages show."""

import functools
import operator

from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery
from django.utils import timezone

from core.scope import reads_committee_matters

from .compliance import monthly_held_q, months_without_monthly
from .matters import committee_matter_stats
from .models import Meeting, MeetingKind, MeetingStatus


def committee_meetings_card(user, committee, matter_counts=None, months_missed=False) -> dict:
    """The committee page's meetings and matters card: the last monthly meeting and the next
    one planned, of those the user may read, and with ``months_missed`` this year's months
    without a monthly meeting (``months_without_monthly``; for the committee's side, who hold
    it), all in one query; for those who read all the committee's matters, their figures and
    the next five still to be done (two queries, one with ``matter_counts`` read with the
    committee)."""
    now = timezone.now()
    today = timezone.localdate()
    monthly = Meeting.objects.for_user(user).filter(
        committee=committee, branch__isnull=True, kind=MeetingKind.MONTHLY
    )
    last = monthly.filter(starts_at__lt=now).order_by("-starts_at", "-pk").values("pk")[:1]
    following = monthly.filter(
        starts_at__gte=now, status=MeetingStatus.PLANNED
    ).order_by("starts_at", "pk").values("pk")[:1]
    marks = {"is_last": Q(pk=Subquery(last)), "is_next": Q(pk=Subquery(following))}
    if months_missed:
        # this year's held ones: the committee's side reads every meeting of the committee
        marks["is_held"] = Q(monthly_held_q(today.year), committee=committee)
    rows = list(
        Meeting.objects.filter(functools.reduce(operator.or_, marks.values()))
        .annotate(**{name: ExpressionWrapper(q, output_field=BooleanField())
                     for name, q in marks.items()})
        .only("pk", "kind", "title", "starts_at", "status")
    )
    reads_matters = reads_committee_matters(user, committee)
    return {
        "last_monthly": next((m for m in rows if m.is_last), None),
        "next_monthly": next((m for m in rows if m.is_next), None),
        "months_missed": (months_without_monthly(committee, today,
                                                 held=[m.starts_at for m in rows if m.is_held])
                          if months_missed else []),
        "matters": (committee_matter_stats(committee, counts=matter_counts)
                    if reads_matters else None),
        # the compliance calendar's readers are the matters' (core.scope: the same rule)
        "reads_compliance": reads_matters,
    }
