"""Reports by period as the user drives them: request one (a district's or a committee's, for a
period read by ``overview.periods``), list them, download them while they are kept.

A request becomes a ``PeriodReport`` (queued) and a Celery task once the transaction commits
(``overview.tasks``); the worker writes it sheet by sheet (running, ``sheets_done`` of
``sheets_total``) and keeps the workbook (done) or a message (failed). Reports are kept
``settings.PERIOD_REPORT_KEEP_DAYS`` days, then purged by a daily task. Who may do what is
``core.scope`` (``overview.periodreport``): the district's officers, and a committee's
secretaries and staff for theirs."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.queue import send_on_commit

from . import tasks
from .models import PeriodReport
from .periods import Period


def keep_until():
    return timezone.now() + timedelta(days=settings.PERIOD_REPORT_KEEP_DAYS)


@transaction.atomic
def report_request(*, user, period: Period, district=None, committee=None) -> PeriodReport:
    """Queue the report of ``district`` or of ``committee`` (exactly one) for ``period``. The
    caller has checked that ``user`` may (``get_for_user``); the task starts on commit."""
    if (district is None) == (committee is None):
        raise TypeError("pass a district or a committee")
    report = PeriodReport(
        district=district, committee=committee, period_kind=period.kind, first=period.first,
        last=period.last, requested_by=user, expires_at=keep_until(),
    )
    report.full_clean()
    report.save()
    send_on_commit(tasks.build_period_report, report.pk)  # kept waiting if the broker is down
    return report


def recent_reports(user, *, district=None, committee=None):
    """The reports of a district (its own only) or a committee, newest first, as ``user`` may
    read them, without their files (one query a page)."""
    holder = Q(district=district) if district is not None else Q(committee=committee)
    return (
        PeriodReport.objects.for_user(user).filter(holder, expires_at__gt=timezone.now())
        .select_related("requested_by").defer("content")
    )
