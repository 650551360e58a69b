"""Celery tasks of the overview: writing a report by period, and purging old ones (daily,
``CELERY_BEAT_SCHEDULE``). They take ids and call ``overview.reports_build``."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import reports_build


@shared_task(acks_late=True)
def build_period_report(report_id: int) -> None:
    # Headings in the portal's language, whoever asked.
    with translation.override(settings.LANGUAGE_CODE):
        reports_build.report_build(report_id)


@shared_task
def purge_period_reports() -> int:
    return reports_build.reports_purge()
