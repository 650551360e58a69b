"""Celery tasks for members: the two steps of a large roster import, and the daily purge of
what imports keep of ID numbers past their time (``CELERY_BEAT_SCHEDULE``).

They take the import's id, claim it with a conditional update (a second delivery does
nothing), and run under the portal's default language so messages stored for the user are in
Chinese. ``acks_late`` with the claim makes a retried delivery safe.
"""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import import_writes


@shared_task(acks_late=True)
def roster_import_check(import_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        import_writes.roster_import_check(import_id)


@shared_task(acks_late=True)
def roster_import_write(import_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        import_writes.roster_import_write(import_id)


@shared_task
def purge_roster_imports() -> int:
    return import_writes.roster_imports_purge()


@shared_task
def requeue_roster_imports() -> int:
    """Celery beat, every minute: imports a dead worker left half-done go back to waiting
    (``import_writes.roster_imports_reset_abandoned``) and are sent at once; imports waiting to
    be checked or written for longer than ``core.queue.STALE`` (their task could not be sent,
    or the broker lost it) are sent again. The steps' claim makes a second delivery harmless.
    How many were sent."""
    from django.utils import timezone

    from core.queue import STALE, requeue

    from .models import ImportStatus, RosterImport

    ids = import_writes.roster_imports_reset_abandoned()
    waiting = RosterImport.objects.filter(updated_at__lt=timezone.now() - STALE)
    ids.update(waiting.filter(
        status__in=[ImportStatus.UPLOADED, ImportStatus.CONFIRMED]
    ).values_list("pk", "status"))
    return requeue(roster_import_check,
                   [pk for pk, s in ids.items() if s == ImportStatus.UPLOADED]) + requeue(
        roster_import_write, [pk for pk, s in ids.items() if s == ImportStatus.CONFIRMED])
