"""Work a dead worker left half-done is neither lost nor half-written (``core.work``).

The first tests run on both backends with the beat job called directly; the last two need
PostgreSQL and Redis (CI's second pass): a real worker is killed (SIGKILL) in the middle of
writing an import, then the next worker's database connection is cut mid-write, and Redis is
flushed with an import queued; each import ends written once, whole, after a worker comes
back.
"""

import io
import os
import signal
import time
import uuid
from datetime import date, timedelta

import openpyxl
import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from config.celery import app
from core import queue, work
from members import import_services, import_writes
from members.models import ImportStatus, Member, RosterImport
from members.roster_columns import HEADERS
from members.tasks import requeue_roster_imports, roster_import_check
from overview import reports
from overview.models import PeriodReport, ReportStatus
from overview.periods import quarter_period
from overview.tasks import requeue_period_reports
from tests.workers import sending_to_the_broker, start_worker, stop_worker, wait_for

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "建国秀英志强丽娟明华玉兰海燕文军红梅德胜桂芳春生淑珍凤英金凤晓东俊杰婷"


def roster_xlsx(branch, count: int) -> bytes:
    """``count`` members with valid, distinct ID numbers and varied names."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    column = {h: i for i, h in enumerate(HEADERS)}
    for n in range(count):
        born = date(1950, 1, 1) + timedelta(days=n)
        body = f"140802{born:%Y%m%d}{100 + n % 800:03d}"
        values = [""] * len(HEADERS)
        values[column["姓名"]] = (SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
                                 + GIVEN[(n // len(GIVEN)) % len(GIVEN)])
        values[column["身份证号"]] = body + ric.calc_check_digit(body + "0")
        values[column["党员状态"]] = "正式党员"
        values[column["党员类别"]] = "社区居民"
        values[column["所在支部"]] = branch.name
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked_import(world, count: int) -> RosterImport:
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="名册.xlsx",
        content=roster_xlsx(world.a_branch, count),
    )
    import_writes.roster_import_check(roster_import.pk)
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.READY, roster_import.report
    return roster_import


def left_running(model, pk, status, *, minutes=20):
    """The row as a dead worker leaves it: running, not moved for ``minutes``."""
    model.objects.filter(pk=pk).update(
        status=status, updated_at=timezone.now() - timedelta(minutes=minutes))


# --- the beat job, on both backends ---------------------------------------------------------


@pytest.mark.django_db
def test_an_import_a_dead_worker_left_writing_is_written_once_by_the_next_beat(world):
    roster_import = checked_import(world, 30)
    before = Member.objects.count()
    left_running(RosterImport, roster_import.pk, ImportStatus.WRITING)

    assert requeue_roster_imports() == 1  # put back to waiting and sent (eager: written)

    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE
    assert "30" in roster_import.message and roster_import.content == b""
    assert Member.objects.count() == before + 30
    assert requeue_roster_imports() == 0  # nothing left running or waiting


@pytest.mark.django_db
def test_an_import_a_dead_worker_left_checking_is_checked_again(world):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="名册.xlsx",
        content=roster_xlsx(world.a_branch, 5),
    )
    left_running(RosterImport, roster_import.pk, ImportStatus.CHECKING)
    assert requeue_roster_imports() == 1
    roster_import.refresh_from_db()
    assert (roster_import.status, roster_import.to_add) == (ImportStatus.READY, 5)


@pytest.mark.django_db
def test_a_running_import_that_moved_recently_is_left_alone(world):
    roster_import = checked_import(world, 3)
    left_running(RosterImport, roster_import.pk, ImportStatus.WRITING, minutes=0)
    assert requeue_roster_imports() == 0
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.WRITING


@pytest.mark.django_db
def test_a_report_a_dead_worker_left_half_written_is_written_again(world):
    report = reports.report_request(user=world.secretary_a, committee=world.a,
                                    period=quarter_period(2025, 2))
    PeriodReport.objects.filter(pk=report.pk).update(content=b"", size=0, sheets_done=2)
    left_running(PeriodReport, report.pk, ReportStatus.RUNNING)

    assert requeue_period_reports() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.size > 0
    assert report.sheets_done == report.sheets_total


@pytest.mark.django_db
def test_a_step_that_raises_gives_the_import_up_with_nothing_written(world, monkeypatch):
    roster_import = checked_import(world, 1200)  # three batches of 500
    before = Member.objects.count()
    calls = []

    def fail_after_the_first_batch(import_id, done, total):
        calls.append(done)
        if len(calls) == 2:
            raise RuntimeError("the worker's disk is full")

    monkeypatch.setattr(import_writes, "set_progress", fail_after_the_first_batch)
    RosterImport.objects.filter(pk=roster_import.pk).update(status=ImportStatus.CONFIRMED)
    import_writes.roster_import_write(roster_import.pk)

    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.FAILED and roster_import.content == b""
    assert roster_import.message  # says what happened and what to do
    assert Member.objects.count() == before  # the first batch went with the transaction
    assert requeue_roster_imports() == 0  # failed is final: not started again and again


@pytest.mark.django_db
def test_a_statement_timeout_gives_the_import_up_not_again_and_again(world, monkeypatch):
    from django.db import OperationalError
    from psycopg.errors import QueryCanceled

    roster_import = checked_import(world, 3)

    def timed_out(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout") from (
            QueryCanceled("canceling statement due to statement timeout"))

    monkeypatch.setattr(import_writes, "apply_plan", timed_out)
    RosterImport.objects.filter(pk=roster_import.pk).update(status=ImportStatus.CONFIRMED)
    import_writes.roster_import_write(roster_import.pk)

    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.FAILED and roster_import.content == b""
    assert requeue_roster_imports() == 0


def test_a_connection_the_server_ended_is_lost_a_failed_statement_is_not():
    from django.db import OperationalError, ProgrammingError
    from psycopg import errors

    def django_error(kind, cause):
        try:
            raise kind("x") from cause
        except kind as exc:
            return exc

    assert import_writes.connection_lost(django_error(OperationalError, errors.AdminShutdown()))
    assert import_writes.connection_lost(django_error(OperationalError, None))  # no answer
    assert not import_writes.connection_lost(
        django_error(OperationalError, errors.QueryCanceled()))
    assert not import_writes.connection_lost(
        django_error(ProgrammingError, errors.UndefinedColumn()))


# --- PostgreSQL: the lock tells a live worker from a dead one -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_holding_its_import_is_not_reset_however_long_it_takes(world):
    roster_import = checked_import(world, 3)
    left_running(RosterImport, roster_import.pk, ImportStatus.WRITING, minutes=45)
    db = settings.DATABASES["default"]
    other = psycopg.connect(dbname=db["NAME"], user=db.get("USER") or None,
                            host=db.get("HOST") or None, port=db.get("PORT") or None,
                            password=db.get("PASSWORD") or None, autocommit=True)
    try:  # another process's worker, at work on it
        other.execute("SELECT pg_advisory_lock(%s, %s)", [work.KINDS["roster-import"],
                                                         roster_import.pk])
        assert requeue_roster_imports() == 0
        roster_import.refresh_from_db()
        assert roster_import.status == ImportStatus.WRITING
    finally:
        other.close()  # the worker dies: its lock goes with its connection
    deadline = time.monotonic() + 10  # once PostgreSQL has seen the connection go
    while requeue_roster_imports() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE


# --- PostgreSQL and Redis: a real worker, killed; Redis flushed ------------------------------

COUNT = 3000  # enough for the write to take a few seconds


def _writing_backend(pids_seen):
    """The pid of another session holding a transaction with writes (the import's), seen on
    two polls in a row, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_xid::text FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")
        now = set(cursor.fetchall())
    stable = now & pids_seen
    pids_seen.clear()
    pids_seen.update(now)
    return next(iter(stable), (None,))[0]


def _wait_for_writer(log) -> int:
    seen: set = set()
    found = []

    def writer():
        pid = _writing_backend(seen)
        found.append(pid)
        return pid is not None

    wait_for(writer, log, interval=0.1)
    return found[-1]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_or_cut_off_mid_import_leaves_nothing_half_written_and_it_finishes(
    world, tmp_path, monkeypatch
):
    log = tmp_path / "worker.log"
    app.control.purge()  # the default queue starts empty
    monkeypatch.setattr(work, "GRACE", timedelta(seconds=1))  # the claim is seconds old
    roster_import = checked_import(world, COUNT)
    before = Member.objects.count()

    with sending_to_the_broker():
        import_services.roster_import_confirm(roster_import=roster_import,
                                              user=world.secretary_a)
        worker = start_worker("celery", log)
        try:
            _wait_for_writer(log)
            os.kill(worker.pid, signal.SIGKILL)  # mid-write: no goodbye, no ack
            worker.wait()
            killed_at = time.monotonic()
        finally:
            stop_worker(worker)

        # The dead worker's transaction goes with its connection: nothing of it stays.
        wait_for(lambda: _writing_backend(set()) is None, log, timeout=20)
        roster_import.refresh_from_db()
        assert roster_import.status == ImportStatus.WRITING
        assert Member.objects.count() == before

        # The beat's next runs: once PostgreSQL has ended the dead worker's session (its lock
        # goes with it) and the claim is older than GRACE (the write starts at once now that it
        # does not read the file again, so the kill may come within the second).
        wait_for(lambda: requeue_roster_imports() == 1, log, timeout=20)
        roster_import.refresh_from_db()
        assert roster_import.status == ImportStatus.CONFIRMED

        worker = start_worker("celery", log)
        try:
            # While the second worker writes, its database connection is cut: the step fails
            # with nothing written, the lock goes with the connection, the beat starts it again
            # and the same worker, still alive, writes it whole.
            pid = _wait_for_writer(log)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            wait_for(lambda: _writing_backend(set()) is None, log, timeout=20)
            wait_for(lambda: requeue_roster_imports() == 1, log, timeout=20)
            wait_for(lambda: RosterImport.objects.filter(
                pk=roster_import.pk, status=ImportStatus.DONE).exists(), log)
        finally:
            stop_worker(worker)
    assert time.monotonic() - killed_at < 60

    assert Member.objects.count() == before + COUNT
    numbers = [n for n in Member.objects.values_list("id_number", flat=True) if n]
    assert len(numbers) == len(set(numbers))  # no one written twice
    roster_import.refresh_from_db()
    assert str(COUNT) in roster_import.message and roster_import.content == b""


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_queued_when_redis_is_flushed_is_checked_once_a_worker_is_back(
    world, tmp_path
):
    log = tmp_path / "worker.log"
    app.control.purge()
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="名册.xlsx",
        content=roster_xlsx(world.a_branch, 20),
    )
    with sending_to_the_broker():
        assert queue.send(roster_import_check, roster_import.pk)
        with app.connection_for_write() as conn:
            assert conn.default_channel.client.llen("celery") >= 1
            conn.default_channel.client.flushdb()  # Redis restarted without its data
            assert conn.default_channel.client.llen("celery") == 0

        RosterImport.objects.filter(pk=roster_import.pk).update(
            updated_at=timezone.now() - queue.STALE - timedelta(seconds=1))
        assert requeue_roster_imports() == 1  # the beat: it still waits, so it is sent

        worker = start_worker(f"celery,test-{uuid.uuid4().hex[:8]}", log)
        try:
            wait_for(lambda: RosterImport.objects.filter(
                pk=roster_import.pk, status=ImportStatus.READY).exists(), log)
        finally:
            stop_worker(worker)
    roster_import.refresh_from_db()
    assert roster_import.to_add == 20
