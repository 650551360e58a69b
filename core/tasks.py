"""Celery tasks of the core: the nightly sweep of what sign-in leaves behind
(``CELERY_BEAT_SCHEDULE``)."""

from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task
def clear_sign_in_records() -> int:
    """Nightly: sessions past their expiry leave the database (Django's ``clearsessions``),
    failed sign-in attempts past their lock time go (username, address, browser), and
    django-axes' sign-in logs go after ``SIGN_IN_LOG_KEEP_DAYS``. How many sign-in rows went;
    running it again removes nothing more."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    # (axes' own clean_expired_user_attempts wants a request to time the lock from)
    expired, _ = AccessAttempt.objects.filter(
        attempt_time__lte=timezone.now() - get_cool_off()).delete()
    days = settings.SIGN_IN_LOG_KEEP_DAYS
    return (expired + AxesProxyHandler.reset_logs(age_days=days)
            + AxesProxyHandler.reset_failure_logs(age_days=days))
