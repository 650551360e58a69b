"""The roster import as the user drives it: upload (start), confirm, discard.

An upload becomes a ``RosterImport`` (uploaded) → checked (refused / rows to correct, with the
file to correct / ready, with a preview) → confirmed by the user → written in ONE transaction
(done), or nothing is written (failed, or rows to correct when the roster changed since the
preview). A small file is checked and written within the request; a large one in Celery
(``members.tasks``), while the page shows a progress bar fed from the cache. The steps
themselves, which the tasks run, are ``members.import_writes`` (this module queues them; they
never call back here). Who may download the file of rows to correct is decided here too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee
from core.queue import send_on_commit
from core.scope import can_see_full_id_numbers_of

from . import import_writes, tasks
from .models import ImportStatus, RosterImport

# Files up to this size are checked and written within the request; larger ones in Celery.
INLINE_MAX_BYTES = 48 * 1024  # about 400 rows


# --- what the user does ---------------------------------------------------------------------


def roster_import_start(*, committee: Committee, user, filename: str, content: bytes):
    """Keep the upload and check it: now when small, else in Celery. Returns the import."""
    RosterImport.objects.filter(
        committee=committee, status=ImportStatus.READY,
        updated_at__lt=timezone.now() - RosterImport.KEEP_UNCONFIRMED,
    ).delete()
    roster_import = RosterImport.objects.create(
        committee=committee, created_by=user, filename=filename[-200:], content=content
    )
    _run("check", roster_import, inline=len(content) <= INLINE_MAX_BYTES)
    roster_import.refresh_from_db()
    return roster_import


def roster_import_confirm(*, roster_import: RosterImport, user) -> RosterImport:
    """The user's go-ahead: write the import (now when small, else in Celery)."""
    claimed = RosterImport.objects.filter(
        pk=roster_import.pk, status=ImportStatus.READY
    ).update(status=ImportStatus.CONFIRMED, updated_at=timezone.now())
    if not claimed:
        raise ValidationError(_("This import is not waiting for confirmation any more."))
    inline = roster_import.to_add + roster_import.to_update <= INLINE_MAX_BYTES // 120
    _run("write", roster_import, inline=inline)
    roster_import.refresh_from_db()
    return roster_import


def roster_import_discard(*, roster_import: RosterImport, user) -> None:
    if roster_import.busy and not roster_import.stalled:
        raise ValidationError(_("The import is being worked on; it cannot be discarded now."))
    roster_import.delete()


def may_download_corrections(user, roster_import: RosterImport) -> bool:
    """Whether ``user``, who reads the import (one of the committee's writers), may download
    its file of rows to correct while it is kept. The file holds the upload's full ID numbers:
    its uploader typed them, and the district's officers see every full ID number; another
    secretary of the committee sees them masked everywhere else, so not here either."""
    return roster_import.corrections_kept and (
        roster_import.created_by_id == user.pk
        or can_see_full_id_numbers_of(user, roster_import.committee)
    )


def _run(step: str, roster_import: RosterImport, *, inline: bool) -> None:
    if inline:
        import_writes.STEPS[step](roster_import.pk)
        return
    task = {"check": tasks.roster_import_check, "write": tasks.roster_import_write}[step]
    # A broker that is down leaves the import waiting; the beat sends it again (core/queue.py).
    send_on_commit(task, roster_import.pk)


