from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .auth import lift_sign_in_lock


@require_GET
@never_cache
def healthz(request):
    """The process is alive and answering. Checks nothing else, so it is cheap to poll."""
    return JsonResponse({"status": "ok"})


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _check_broker():
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@require_GET
@never_cache
def readyz(request):
    """Ready to serve: the database answers (else 503). The cache and (when configured) the
    broker are reported too, but without them the portal still serves pages (core/cache.py:
    a miss; sessions from the database), so their failure is "degraded" with a 200: a load
    balancer must not take every web process out because Redis is away."""
    from django.conf import settings

    checks = {"database": _check_database, "cache": _check_cache}
    # A broker is in use when tasks are not run eagerly, or when Redis is configured (tests
    # run tasks eagerly against a real Redis).
    if not settings.CELERY_TASK_ALWAYS_EAGER or settings.REDIS_URL:
        checks["broker"] = _check_broker
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is reported
            results[name] = f"error: {type(exc).__name__}"
    if results["database"] != "ok":
        status, code = "unavailable", 503
    elif any(result != "ok" for result in results.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": results}, status=code)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token (expired, or cookies refused): a page that says
    so in the user's language, with the form's page to open again (``CSRF_FAILURE_VIEW``): the
    page it was sent from when that is this site (a button's form may post to an address that
    answers only POST), else the address it was sent to. The reason is logged by Django, never
    shown."""
    hosts = {request.get_host()}
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts=hosts,
                                       require_https=request.is_secure()):
        again = referer
    else:
        again = request.path
    return render(request, "403_csrf.html", {"again": again}, status=403)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page for a reset link (by email, or made by the member's secretary); a password
    set there also lifts the sign-in lock on the account (``core.auth.lift_sign_in_lock``)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lift_sign_in_lock(form.user)
        return response
