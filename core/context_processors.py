from functools import cache

from .models import Notification
from .scope import scope_of
from .two_factor import offered_to


def navigation(request):
    """Flags for the navigation bar, from the request's (cached) scope: no queries of its own.

    ``unread_notifications`` (the bell) comes with the scope (read in its query); a superuser's
    is counted when a page shows it: one COUNT query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)

    @cache
    def unread_notifications():
        if scope.unread_notifications is not None:
            return scope.unread_notifications
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {
        "nav_is_district_officer": scope.is_district_officer,
        "nav_is_member": scope.member_id is not None,
        # who sends or receives notices: the district, a committee's side, a branch secretary
        "nav_has_notices": bool(scope.superuser or scope.district_ids or scope.committee_ids
                                or scope.branch_ids),
        "unread_notifications": unread_notifications,
        # the account pages' tab for two-step sign-in (role holders, staff, who has it on)
        "nav_offers_two_factor": offered_to(user, request),
    }
