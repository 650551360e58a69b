"""Reads of meetings and matters that other pages show."""

from django.utils import timezone

from core.scope import reads_committee_matters

from .matters import committee_matter_stats
from .models import Meeting, MeetingKind, MeetingStatus


def committee_meetings_card(user, committee) -> dict:
    """The committee page's meetings and matters card: the last monthly meeting and the next
    one planned, of those the user may read (two queries); for those who read all the
    committee's matters, their figures and the next five still to be done (three queries; one
    more to find out for a branch secretary)."""
    now = timezone.now()
    monthly = Meeting.objects.for_user(user).filter(
        committee=committee, branch__isnull=True, kind=MeetingKind.MONTHLY
    ).only("pk", "kind", "title", "starts_at", "status")
    reads_matters = reads_committee_matters(user, committee)
    return {
        "last_monthly": monthly.filter(starts_at__lt=now).order_by("-starts_at", "-pk").first(),
        "next_monthly": monthly.filter(
            starts_at__gte=now, status=MeetingStatus.PLANNED
        ).order_by("starts_at", "pk").first(),
        "matters": committee_matter_stats(committee) if reads_matters else None,
        # the compliance calendar's readers are the matters' (core.scope: the same rule)
        "reads_compliance": reads_matters,
    }
