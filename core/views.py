from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from branches.models import Branch
from committees.models import Committee, District
from members.models import SignUp

from .scope import scope_of


@login_required
def home(request):
    """Send each user to the place they work; list the places when there are several."""
    scope = scope_of(request.user)
    districts = list(District.objects.for_user(request.user))
    committees = list(Committee.objects.for_user(request.user).order_by("name")[:50])
    branches = list(
        Branch.objects.filter(pk__in=scope.branch_ids).select_related("committee")
    )
    places = (
        [d.get_absolute_url() for d in districts]
        + [c.get_absolute_url() for c in committees]
        + [b.get_absolute_url() for b in branches]
    )
    if scope.member_id and not (scope.district_ids or scope.committee_ids or scope.branch_ids
                                or scope.unit_ids):
        return redirect("members:me")  # a member's home is their own page
    if scope.unit_ids and not (scope.district_ids or scope.committee_ids or scope.branch_ids):
        # A unit's liaison works on their unit's page (agreements, resources, ledger).
        return redirect("units:unit-detail", pk=min(scope.unit_ids))
    if len(places) == 1:
        return redirect(places[0])
    if districts:
        return redirect(districts[0].get_absolute_url())
    if not places and SignUp.objects.filter(user=request.user).exists():
        return redirect("members:me")  # the state of their sign-up
    return render(
        request,
        "core/home.html",
        {"committees": committees, "branches": branches},
    )


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
    """Ready to serve: the database, the cache and (when configured) the broker answer."""
    from django.conf import settings

    checks = {"database": _check_database, "cache": _check_cache}
    # A broker is in use when tasks are not run eagerly, or when Redis is configured (tests
    # run tasks eagerly against a real Redis).
    if not settings.CELERY_TASK_ALWAYS_EAGER or settings.REDIS_URL:
        checks["broker"] = _check_broker
    results, ok = {}, True
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            ok = False
            results[name] = f"error: {type(exc).__name__}"
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503
    )
