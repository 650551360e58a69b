"""Knowing whether half-done work still has a live worker behind it.

A roster import being checked or written, or a report being written, is a row in a running
state (``CHECKING``, ``WRITING``, ``RUNNING``). When the worker doing it dies (killed, out of
memory, the machine restarted), the row would stay in that state: Celery's message comes back
only after the broker's visibility timeout (hours), and a timer on ``updated_at`` cannot tell a
dead worker from a slow step.

So the worker holds a PostgreSQL session advisory lock named after the row for as long as it
works on it (``holding``). PostgreSQL releases it the moment the worker's connection ends, alive
or not: the beat job asks (``abandoned``), and a row in a running state whose lock nobody holds
was left by a dead worker. Its writes were in one transaction, which PostgreSQL rolled back
with the connection, so the row can be put back to waiting and sent again.

Without PostgreSQL (the embedded SQLite default, where tasks run in-process and no worker can
die apart from the web process) the lock is not taken and a running row counts as abandoned
once it has not moved for ``SILENT``: a heartbeat on ``updated_at``.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError, connection
from django.utils import timezone

# A claimed row may not hold its lock yet for this long (the claim commits first).
GRACE = timedelta(seconds=30)
# Without advisory locks: a running row that has not moved for this long is abandoned.
SILENT = timedelta(minutes=15)

# One number per kind of work; the lock's key is (kind, row id), PostgreSQL's two-int form.
KINDS = {"roster-import": 1, "period-report": 2}


def _locks() -> bool:
    return connection.vendor == "postgresql"


def _key(kind: str, pk: int) -> list[int]:
    return [KINDS[kind], int(pk)]


@contextmanager
def holding(kind: str, pk: int):
    """Hold the lock saying a live worker is doing ``kind`` for row ``pk``, while the block
    runs. Session-level, so it outlives the block's transactions and goes with the connection."""
    if not _locks():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", _key(kind, pk))
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(kind, pk))
        except DatabaseError:
            pass  # the connection was cut, and the lock went with it


def abandoned(kind: str, rows, now=None) -> list[int]:
    """The ids, among ``rows`` (pairs of id and ``updated_at`` of rows in a running state),
    whose worker is gone."""
    now = now or timezone.now()
    if not _locks():
        return [pk for pk, updated_at in rows if updated_at < now - SILENT]
    gone = []
    with connection.cursor() as cursor:
        for pk, updated_at in rows:
            if updated_at >= now - GRACE:
                continue
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(kind, pk))
            if cursor.fetchone()[0]:  # nobody held it: taken just to ask, given back at once
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(kind, pk))
                gone.append(pk)
    return gone
