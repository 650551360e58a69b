"""Nothing queued is lost when the broker is away: the request that asked for the work
answers as usual, the row waits, and the beat's requeue sends it once the broker is back.
(The broker is made to refuse by patching the task's send; the CI's real Redis stays up.)"""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import queue
from members.models import ImportStatus, RosterImport
from members.tasks import requeue_roster_imports, roster_import_check
from overview import reports
from overview.models import PeriodReport, ReportStatus
from overview.periods import quarter_period
from overview.tasks import build_period_report, requeue_period_reports


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (build_period_report, roster_import_check):
        monkeypatch.setattr(task, "apply_async", refuse)
    return monkeypatch


def age(model, pk):
    model.objects.filter(pk=pk).update(updated_at=timezone.now() - timedelta(minutes=10))


def test_send_says_false_and_logs_when_the_broker_refuses(broker_down, caplog):
    assert queue.send(build_period_report, 1) is False
    assert "broker unreachable" in caplog.text


@pytest.mark.django_db
def test_a_report_asked_for_while_the_broker_is_down_waits_and_is_sent_by_the_beat(
    world, broker_down
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = reports.report_request(user=world.secretary_a, committee=world.a,
                                        period=quarter_period(2025, 2))
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED  # kept, not an error
    assert requeue_period_reports() == 0  # not yet stale, and the broker is still down
    broker_down.undo()  # the broker is back
    assert requeue_period_reports() == 0  # a fresh row: its own send may still arrive
    age(PeriodReport, report.pk)
    assert requeue_period_reports() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.size > 0
    assert requeue_period_reports() == 0  # done: nothing waits


@pytest.mark.django_db
def test_an_import_waiting_to_be_checked_is_sent_again_and_checked_once(world):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="名册.csv",
        content="姓名,身份证号\n".encode(), status=ImportStatus.UPLOADED,
    )
    age(RosterImport, roster_import.pk)
    assert requeue_roster_imports() == 1
    roster_import.refresh_from_db()
    assert roster_import.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKING)
    assert requeue_roster_imports() == 0
