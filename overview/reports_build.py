"""The worker's side of reports by period (``overview.tasks`` runs it): write the workbook
sheet by sheet, saying how far it got, and keep it whole or not at all; purge reports past
their keeping time. ``overview.reports`` queues these and never the other way round."""

import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import work
from core.xlsx import add_sheet, new_workbook, workbook_bytes

from .models import PeriodReport, ReportStatus
from .reports_sheets import STEPS, Subject, summary_sheet

logger = logging.getLogger(__name__)

SHEETS_TOTAL = len(STEPS) + 1  # and the summary
WORK = "period-report"  # the kind of work, for ``core.work``'s lock


def subject_of(report: PeriodReport) -> Subject:
    committee = report.committee
    return Subject(period=report.period, district=committee.district if committee else
                   report.district, committee=committee)


def report_build(report_id: int) -> None:
    """Write the report's workbook. Claimed with a conditional update, so a second delivery
    of the task does nothing; any failure marks it failed with a message and keeps no file
    (the bytes are saved only once every sheet is written)."""
    claimed = PeriodReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, sheets_done=0, sheets_total=SHEETS_TOTAL,
        updated_at=timezone.now(),
    )
    if not claimed:
        return
    with work.holding(WORK, report_id):  # a dead worker's report is started again
        _build(report_id)


def _build(report_id: int) -> None:
    report = PeriodReport.objects.select_related("district", "committee__district").get(
        pk=report_id)
    try:
        content = _workbook(report)
    except Exception:
        logger.exception("period report %s failed", report_id)
        PeriodReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, content=b"", size=0, finished_at=timezone.now(),
            updated_at=timezone.now(),
            message=_("The report could not be written. Request it again; if it fails again, "
                      "tell the administrator."))
        return
    PeriodReport.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE, content=content, size=len(content), sheets_done=SHEETS_TOTAL,
        finished_at=timezone.now(), updated_at=timezone.now(), message="",
    )


def _workbook(report: PeriodReport) -> bytes:
    subject = subject_of(report)
    workbook = new_workbook()
    sheets = []
    for step in STEPS:
        sheet = step(subject)
        add_sheet(workbook, str(sheet.title), [str(h) for h in sheet.headers], sheet.rows)
        sheets.append(sheet)
        PeriodReport.objects.filter(pk=report.pk).update(
            sheets_done=F("sheets_done") + 1, updated_at=timezone.now())
    summary = summary_sheet(subject, sheets)
    add_sheet(workbook, summary.title, summary.headers, summary.rows)
    workbook.move_sheet(summary.title, offset=-len(sheets))
    workbook.active = 0
    return workbook_bytes(workbook)


def reports_reset_abandoned(now=None) -> list[int]:
    """Reports a dead worker left being written (``core.work``) are queued again: the file is
    saved only once whole, so nothing of theirs was kept. Their ids."""
    rows = PeriodReport.objects.filter(status=ReportStatus.RUNNING).values_list(
        "pk", "updated_at")
    reset = []
    for pk in work.abandoned(WORK, list(rows), now):
        if PeriodReport.objects.filter(pk=pk, status=ReportStatus.RUNNING).update(
                status=ReportStatus.QUEUED, sheets_done=0, updated_at=timezone.now()):
            logger.warning("period report %s: its worker died; it is queued again", pk)
            reset.append(pk)
    return reset


def reports_purge(now=None) -> int:
    """Delete the reports past their keeping time, file and row; how many went. Running it
    again deletes nothing more."""
    deleted, _by_model = PeriodReport.objects.filter(
        expires_at__lte=now or timezone.now()).delete()
    return deleted
