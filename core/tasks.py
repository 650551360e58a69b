"""Celery tasks of the core: the daily sweep of what sign-in leaves behind
(``CELERY_BEAT_SCHEDULE``)."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_sign_in_records() -> int:
    """Daily: sessions past their expiry leave the database (Django's ``clearsessions``), and
    django-axes' sign-in log (address, browser, times) goes after ``SIGN_IN_LOG_KEEP_DAYS``.
    How many sign-in log rows went; running it again removes nothing more."""
    from axes.handlers.proxy import AxesProxyHandler

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return AxesProxyHandler.reset_logs(age_days=settings.SIGN_IN_LOG_KEEP_DAYS)
