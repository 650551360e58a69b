import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise on the page.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an
    English system would get English. The portal's language is Simplified Chinese by default;
    the switch in the navigation bar (Django's set_language view) stores the choice in the
    language cookie, which this middleware honours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


IDLE_SEEN = "_idle_seen"  # session key: when the session last made a request (epoch seconds)
IDLE_LIMIT = "_idle_limit"  # session key: seconds it may stay idle (set at sign-in)
# The last-seen time is written (a session write: the database and the cache) at most once a
# minute, or once every hundredth of the limit if that is longer: a member's week-long session
# is written once in 100 minutes, not on every page of a busy afternoon. The session is then
# ended up to that much sooner than its limit, never later.
IDLE_TOUCH = 60


def idle_touch_for(limit: int) -> int:
    """Seconds between two writes of the last-seen time of a session idle-limited to
    ``limit`` seconds."""
    return max(IDLE_TOUCH, limit // 100)


def idle_limit_for(user) -> int:
    """How long ``user``'s session may stay idle: shortest for the district's officers and
    staff accounts, who reach every member's record; then role holders (secretaries,
    liaisons); members longest (on phones, in WeChat)."""
    from .scope import scope_of

    limits = settings.SESSION_IDLE_SECONDS
    scope = scope_of(user)
    if user.is_staff or scope.is_district_officer:
        return limits["officer"]
    if scope.committee_ids or scope.branch_ids or scope.unit_ids:
        return limits["role"]
    return limits["member"]


def remember_idle_limit(sender, request, user, **kwargs):
    """``user_logged_in``: the session keeps its idle limit, so that requests need no role
    query to know it."""
    if hasattr(request, "session"):
        request.session[IDLE_LIMIT] = idle_limit_for(user)
        request.session[IDLE_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Ends a session idle for longer than its limit (``SESSION_IDLE_SECONDS``): the request
    goes on signed out (a page that needs signing in sends to the sign-in page) with a message
    saying why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            limit = session.get(IDLE_LIMIT)
            if limit is None:  # a session made before the limit was kept
                limit = session[IDLE_LIMIT] = idle_limit_for(user)
            seen = session.get(IDLE_SEEN)
            if seen is not None and now - seen > limit:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity. "
                                         "Sign in again to go on."))
            elif seen is None or now - seen >= idle_touch_for(limit):
                session[IDLE_SEEN] = now
        return self.get_response(request)


# Pages a session may open while it still owes the code step (or enrolment): the step itself,
# signing out and switching the language. Static files are served before the URL conf.
TWO_FACTOR_OPEN = {
    "verify": {"core:two-factor-verify", "logout", "set_language"},
    "enrol": {"core:two-factor", "core:two-factor-setup", "core:two-factor-codes", "logout",
              "set_language"},
}


class TwoFactorMiddleware:
    """Two-step sign-in (core/two_factor.py): a signed-in user who turned it on goes to the code
    page until the session is verified; a district officer who must have it
    (``OTP_REQUIRED_FOR_OFFICERS``) goes to enrolment until it is on. Other users pass. Reads
    only the session (what it owes is kept there at sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from .two_factor import ENROL, VERIFY, session_state

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        state = session_state(request)
        if state not in (VERIFY, ENROL):
            return None
        if request.resolver_match.view_name in TWO_FACTOR_OPEN[state]:
            return None
        if state == VERIFY:
            target = reverse("core:two-factor-verify")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        messages.info(request, _("Turn on two-step sign-in to go on: it is required for the "
                                 "district's officers."))
        return redirect("core:two-factor")
