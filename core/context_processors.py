from .scope import scope_of


def navigation(request):
    """Flags for the navigation bar, from the request's (cached) scope: no queries of its own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "nav_is_district_officer": scope.is_district_officer,
        "nav_is_member": scope.member_id is not None,
    }
