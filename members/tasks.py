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
