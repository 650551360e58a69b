"""Celery tasks of the overview: writing a report by period and purging old ones (daily,
``CELERY_BEAT_SCHEDULE``), counting the dashboard's kept figures. They take ids."""

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


# --- Kept figures of the district dashboard (overview/figures.py) -----------------------------


@shared_task(acks_late=True)
def count_committee_figures(committee_id: int) -> None:
    """Queued after writes to a committee's records (``figures.queue_count``)."""
    from . import figures

    figures.count_committee(committee_id)


@shared_task(acks_late=True)
def count_all_figures() -> int:
    """Celery beat, every few minutes: every committee, for writes that sent no signal."""
    from . import figures, snapshots

    counted = figures.count_all()
    snapshots.warm_districts()  # this year's district pages, from the figures just counted
    return counted


# --- end of kept figures ----------------------------------------------------------------------


@shared_task
def requeue_period_reports() -> int:
    """Celery beat, every minute: reports a dead worker left half-written are queued again
    (``reports_build.reports_reset_abandoned``) and sent at once; reports queued for longer
    than ``core.queue.STALE`` (their task could not be sent, or the broker lost it) are sent
    again. The build's claim makes a second delivery harmless. How many were sent."""
    from django.utils import timezone

    from core.queue import STALE, requeue

    from .models import PeriodReport, ReportStatus

    reset = reports_build.reports_reset_abandoned()
    waiting = PeriodReport.objects.filter(
        status=ReportStatus.QUEUED, updated_at__lt=timezone.now() - STALE
    ).exclude(pk__in=reset).values_list("pk", flat=True)
    return requeue(build_period_report, [*reset, *waiting])


# --- Commitments kept (overview/commitments.py): daily, each sends what is due once -----------


@shared_task
def send_commitment_nudges(today: str | None = None) -> int:
    from datetime import date

    from . import commitments

    return commitments.quarterly_nudges(today=date.fromisoformat(today) if today else None)


@shared_task
def send_commitment_review_reminders(today: str | None = None) -> int:
    from datetime import date

    from . import commitments

    return commitments.review_reminders(today=date.fromisoformat(today) if today else None)
