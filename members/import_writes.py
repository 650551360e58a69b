"""The steps of a roster import that run in a worker (or inline for a small file): check the
file and keep the preview, then write every row in one transaction, with the audit entries and
the progress the page shows. ``members.tasks`` runs them; ``members.import_services`` starts
and confirms imports.

Each step claims its import with a conditional UPDATE, so a task delivered twice, or a
double-clicked confirm, runs the step once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager

from auditlog.diff import mask_str
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from core import work
from core.db import bulk_change, bulk_insert, instance_maker

from .import_files import ImportRefused
from .import_sheets import corrections_xlsx
from .imports import UPDATED_FIELDS, ImportPlan, build_plan, kept_rows, plan_from_kept
from .models import ImportStatus, Member, RosterImport, Transfer

logger = logging.getLogger(__name__)

BATCH = 500
WORK = "roster-import"  # the kind of work, for ``core.work``'s lock


# --- progress (the cache: a task's transaction is invisible to the page until it commits) ---


def _progress_key(import_id: int) -> str:
    return f"roster-import:{import_id}:progress"


def set_progress(import_id: int, done: int, total: int) -> None:
    cache.set(_progress_key(import_id), (done, total), timeout=3600)


def progress_of(roster_import: RosterImport) -> tuple[int, int]:
    """(rows done, rows in all) of the running step; (0, 0) before it has counted."""
    return cache.get(_progress_key(roster_import.pk)) or (0, 0)


# --- the steps run by the worker -----------------------------------------------------------


def roster_import_check(import_id: int) -> None:
    """Check the uploaded file and keep the preview. Runs once per upload."""
    if not RosterImport.objects.filter(pk=import_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.CHECKING, updated_at=timezone.now()
    ):
        return
    with work.holding(WORK, import_id), _failing(import_id):
        roster_import = RosterImport.objects.select_related("committee", "created_by").get(
            pk=import_id
        )
        plan = _plan(roster_import)
        if plan is None:
            return
        _keep_plan(roster_import, plan, ok_status=ImportStatus.READY)


def roster_import_write(import_id: int) -> None:
    """Check the file again against the roster as it is now, then write it all or nothing:
    the members, their audit entries and the import's state ``DONE`` in one transaction, so a
    worker that dies anywhere in the step leaves nothing written and the import waiting to be
    written again (``roster_imports_reset_abandoned``)."""
    if not RosterImport.objects.filter(pk=import_id, status=ImportStatus.CONFIRMED).update(
        status=ImportStatus.WRITING, updated_at=timezone.now()
    ):
        return
    with work.holding(WORK, import_id), _failing(import_id):
        _write(import_id)


@contextmanager
def _failing(import_id: int):
    """A step that raises gives its import up (failed, file dropped) instead of leaving it
    running; but a database connection that was lost leaves it running, for the beat to start
    again once the lock is gone (``roster_imports_reset_abandoned``). Any other database error
    (a statement timeout, a lock timeout, a bad statement) would only repeat: it gives up."""
    try:
        yield
    except Exception as exc:
        if isinstance(exc, DatabaseError) and connection_lost(exc):
            raise
        logger.exception("roster import %s failed", import_id)
        _give_up(import_id)


# SQLSTATEs of a connection the server ended: shutdown, crash, not accepting connections.
_SERVER_ENDED = {"57P01", "57P02", "57P03"}


def connection_lost(exc: DatabaseError) -> bool:
    """Whether ``exc`` says the database connection went away (ended by the server, or no
    answer at all), rather than that a statement failed. (Django has reconnected by the time
    the step sees it, so the connection cannot be asked.)"""
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate is None:
        return isinstance(exc, (OperationalError, InterfaceError))
    return sqlstate.startswith("08") or sqlstate in _SERVER_ENDED


def _give_up(import_id: int) -> None:
    RosterImport.objects.filter(pk=import_id).update(
        status=ImportStatus.FAILED, content=b"", checked={}, finished_at=timezone.now(),
        updated_at=timezone.now(),
        message=_("The file could not be read to the end, so nothing was imported. Upload "
                  "it again; if it fails again, tell the administrator."),
    )


def _write(import_id: int) -> None:
    # The file is read only if the kept rows cannot be used (a deferred field, loaded then).
    roster_import = RosterImport.objects.select_related("committee", "created_by").defer(
        "content"
    ).get(pk=import_id)
    # The rows the check kept, if the roster is still what they were checked against; else
    # the file is checked again (``members.imports.plan_from_kept``).
    plan = plan_from_kept(
        roster_import.checked, committee=roster_import.committee, user=roster_import.created_by
    ) or _plan(roster_import)
    if plan is None:
        return
    if not plan.ok:
        # The roster changed since the preview (someone registered one of these people).
        _keep_plan(roster_import, plan, ok_status=ImportStatus.READY)
        return
    try:
        with transaction.atomic():
            counts = apply_plan(
                plan, user=roster_import.created_by, source=roster_import,
                progress=lambda done, total: set_progress(import_id, done, total),
            )
            _keep_counts(roster_import, plan)
            _finish(
                roster_import, ImportStatus.DONE,
                message=_("%(added)s members added, %(updated)s updated.")
                % {"added": counts["added"], "updated": counts["updated"]},
            )
    except IntegrityError:
        logger.warning("roster import %s: integrity error while writing", import_id)
        roster_import.refresh_from_db()
        _finish(
            roster_import, ImportStatus.FAILED,
            message=_("Someone changed the roster while the file was being written, so "
                      "nothing was imported. Upload the file again."),
        )
        return
    logger.info(
        "roster import %s: committee=%s added=%s updated=%s", import_id,
        roster_import.committee_id, counts["added"], counts["updated"],
    )


def roster_imports_reset_abandoned(now=None) -> dict[int, str]:
    """Imports a dead worker left being checked or written (``core.work``) go back to waiting
    for that step: nothing of theirs was written, the file is still there. {id: status now}."""
    running = {ImportStatus.CHECKING: ImportStatus.UPLOADED,
               ImportStatus.WRITING: ImportStatus.CONFIRMED}
    rows = {pk: (updated_at, status) for pk, updated_at, status in RosterImport.objects.filter(
        status__in=list(running)).values_list("pk", "updated_at", "status")}
    reset = {}
    for pk in work.abandoned(WORK, [(pk, row[0]) for pk, row in rows.items()], now):
        status = rows[pk][1]
        if RosterImport.objects.filter(pk=pk, status=status).update(
                status=running[status], updated_at=timezone.now()):
            logger.warning("roster import %s: its worker died while %s; it waits again",
                           pk, status)
            reset[pk] = running[status]
    return reset


STEPS: dict[str, Callable[[int], None]] = {
    "check": roster_import_check,
    "write": roster_import_write,
}


def roster_imports_purge(now=None) -> int:
    """Drop what imports hold of ID numbers past their keeping time: a ready import nobody
    confirmed goes (as an upload into its committee also does), and an import with rows to
    correct keeps its row and preview but not its file to correct. How many imports were
    touched; running it again touches none."""
    now = now or timezone.now()
    deleted, _by_model = RosterImport.objects.filter(
        status=ImportStatus.READY, updated_at__lt=now - RosterImport.KEEP_UNCONFIRMED
    ).delete()
    cleared = RosterImport.objects.filter(
        status=ImportStatus.INVALID, finished_at__lte=now - RosterImport.KEEP_CORRECTIONS
    ).exclude(corrections=b"").update(corrections=b"")
    return deleted + cleared


def _plan(roster_import: RosterImport) -> ImportPlan | None:
    try:
        return build_plan(
            bytes(roster_import.content), roster_import.filename,
            committee=roster_import.committee, user=roster_import.created_by,
            progress=lambda done, total: set_progress(roster_import.pk, done, total),
        )
    except ImportRefused as exc:
        _finish(roster_import, ImportStatus.REFUSED, message=str(exc))
        return None


def _keep_counts(roster_import: RosterImport, plan: ImportPlan) -> None:
    roster_import.total_rows = plan.total_rows
    roster_import.to_add = len(plan.of("add"))
    roster_import.to_update = len(plan.of("update"))
    roster_import.unchanged = len(plan.of("unchanged"))
    roster_import.bad_rows = plan.bad_rows
    roster_import.report = plan.report()


def _keep_plan(roster_import: RosterImport, plan: ImportPlan, *, ok_status: str) -> None:
    _keep_counts(roster_import, plan)
    if plan.ok:
        roster_import.status = ok_status
        roster_import.checked = kept_rows(plan)
        roster_import.save()
    else:
        # The file goes; the file to correct stays a day (``RosterImport.KEEP_CORRECTIONS``).
        roster_import.corrections = corrections_xlsx(plan)
        _finish(roster_import, ImportStatus.INVALID)


def _finish(roster_import: RosterImport, status: str, *, message: str = "") -> None:
    """An import that will not be written (again): its file, with the ID numbers, goes."""
    roster_import.status = status
    roster_import.message = message[:500]
    roster_import.content = b""
    roster_import.checked = {}
    roster_import.finished_at = timezone.now()
    roster_import.save()


# --- the write --------------------------------------------------------------------------------

# The audit entry of an imported member: django-auditlog's own diff (model_instance_diff) reads
# every field through the ORM and, for 11,000 rows, costs more than the insert itself (about a
# query per row on relations); this writes the same {field: [old, new]} shape for the fields an
# import sets, masked as auditlog masks (members.apps registers id_number and mobile masked).
_AUDITED = ["id_number", "committee", *UPDATED_FIELDS]
_MASKED = {"id_number", "mobile"}


_AUDITED_ATTNAMES = [(name, Member._meta.get_field(name).attname) for name in _AUDITED]


def _changes(before, after) -> dict[str, list[str]]:
    changes = {}
    for name, attname in _AUDITED_ATTNAMES:
        old = None if before is None else getattr(before, attname)
        new = getattr(after, attname)
        if old == new:
            continue
        old_text, new_text = ("None" if v is None else str(v) for v in (old, new))
        if name in _MASKED:
            old_text, new_text = mask_str(old_text), mask_str(new_text)
        changes[name] = [old_text, new_text]
    return changes


def _transfer_changes(transfer: Transfer) -> dict[str, list[str]]:
    return {
        name: ["None", str(getattr(transfer, attname))]
        for name, attname in (
            ("member", "member_id"), ("from_branch", "from_branch_id"),
            ("from_outside", "from_outside"), ("to_branch", "to_branch_id"),
            ("transferred_on", "transferred_on"), ("reason", "reason"),
        )
    }



def apply_plan(
    plan: ImportPlan,
    *,
    user,
    source: RosterImport | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Add and update the plan's members in one transaction, with transfers for changed
    branches and an audit-log entry per change (bulk writes send no signals, so the entries
    are made here, masked as django-auditlog masks them: see ``_changes``). Raises
    IntegrityError on a race; then nothing is written."""
    if not plan.ok:
        raise ValueError("a plan with problems is never written")
    adds = [row.member for row in plan.of("add")]
    updates = plan.of("update")
    total = len(adds) + len(updates)
    now = timezone.now()
    today = timezone.localdate()
    reason = _("Roster import")
    extra = {"roster_import": source.pk} if source is not None else {"roster_import": "command"}
    member_type = ContentType.objects.get_for_model(Member)
    transfer_type = ContentType.objects.get_for_model(Transfer)
    done = 0

    new_entry = instance_maker(LogEntry)  # 11,000 of them: without Model.__init__'s work
    actor_id = user.pk if user is not None else None

    def entry(content_type, obj, action, changes):
        return new_entry(
            content_type_id=content_type.pk, object_pk=str(obj.pk), object_id=obj.pk,
            object_repr=str(obj)[:200], action=action, changes=changes, actor_id=actor_id,
            additional_data=extra,
        )

    with transaction.atomic():
        for start in range(0, len(adds), BATCH):
            batch = adds[start:start + BATCH]
            bulk_insert(Member, batch, with_pks=True)
            bulk_insert(LogEntry, (
                entry(member_type, m, LogEntry.Action.CREATE, _changes(None, m))
                for m in batch
            ))
            done += len(batch)
            if progress:
                progress(done, total)

        for start in range(0, len(updates), BATCH):
            batch = updates[start:start + BATCH]
            # Lock the rows, so an edit on a page waits for the import instead of racing it.
            list(
                Member.objects.select_for_update()
                .filter(pk__in=[row.member.pk for row in batch]).values_list("pk")
            )
            transfers = []
            for row in batch:
                row.member.updated_at = now
                if row.member.branch_id and row.member.branch_id != row.before.branch_id:
                    transfers.append(
                        Transfer(
                            member=row.member, from_branch_id=row.before.branch_id,
                            from_outside="" if row.before.branch_id
                            else row.before.outside_organisation,
                            to_branch_id=row.member.branch_id, transferred_on=today,
                            reason=reason, recorded_by=user,
                        )
                    )
            # Only the fields that changed, grouped by which: an edit made on a page since the
            # check, to a field the file does not change, stays.
            by_fields: dict[tuple[str, ...], list[Member]] = {}
            for row in batch:
                by_fields.setdefault(tuple(row.changed_fields), []).append(row.member)
            for fields, members in by_fields.items():
                bulk_change(Member, members, [*fields, "updated_at"])
            bulk_insert(Transfer, transfers, with_pks=True)
            bulk_insert(
                LogEntry,
                [
                    entry(member_type, row.member, LogEntry.Action.UPDATE,
                          _changes(row.before, row.member))
                    for row in batch
                ]
                + [
                    entry(transfer_type, t, LogEntry.Action.CREATE, _transfer_changes(t))
                    for t in transfers
                ]
            )
            done += len(batch)
            if progress:
                progress(done, total)
    return {"added": len(adds), "updated": len(updates)}
