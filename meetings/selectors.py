"""Reads of meetings and matters that other pages show."""

from django.db.models import Q, Subquery
from django.utils import timezone

from core.scope import reads_committee_matters

from .matters import committee_matter_stats
from .models import Meeting, MeetingKind, MeetingStatus


def committee_meetings_card(user, committee, matter_counts=None) -> dict:
    """The committee page's meetings and matters card: the last monthly meeting and the next
    one planned, of those the user may read (one query); for those who read all the
    committee's matters, their figures and the next five still to be done (three queries, two
    with ``matter_counts`` read with the committee; one more to find out for a branch
    secretary)."""
    now = timezone.now()
    monthly = Meeting.objects.for_user(user).filter(
        committee=committee, branch__isnull=True, kind=MeetingKind.MONTHLY
    )
    last = monthly.filter(starts_at__lt=now).order_by("-starts_at", "-pk").values("pk")[:1]
    following = monthly.filter(
        starts_at__gte=now, status=MeetingStatus.PLANNED
    ).order_by("starts_at", "pk").values("pk")[:1]
    both = {
        m.pk: m for m in Meeting.objects.filter(Q(pk=Subquery(last)) | Q(pk=Subquery(following)))
        .only("pk", "kind", "title", "starts_at", "status")
    }
    reads_matters = reads_committee_matters(user, committee)
    return {
        "last_monthly": next((m for m in both.values() if m.starts_at < now), None),
        "next_monthly": next((m for m in both.values() if m.starts_at >= now), None),
        "matters": (committee_matter_stats(committee, counts=matter_counts)
                    if reads_matters else None),
        # the compliance calendar's readers are the matters' (core.scope: the same rule)
        "reads_compliance": reads_matters,
    }
