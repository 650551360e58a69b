"""Reports by period: a district's and a committee's reports page (request one, the recent
ones), a report's page (its progress while being written) and its download; and the
printable one-page summary of a committee. Who: the district's officers, and a committee's
secretaries and staff for their committee (``core.scope``); anyone else 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from committees.models import Committee, District
from core.pages import paginate
from core.scope import get_for_user
from core.xlsx import xlsx_response

from . import reports, summary
from .models import PeriodReport
from .periods import KINDS, default_period, read_period

PAGE_SIZE = 20


def _period_context(period, errors=()) -> dict:
    """What ``overview/reports/_period_fields.html`` reads."""
    return {"period": period, "period_errors": list(errors), "period_kinds": list(KINDS.items()),
            "months": range(1, 13), "quarters": range(1, 5)}


def _reports_page(request, *, district=None, committee=None):
    """GET: the form and the recent reports; POST: queue one and go to it, or say why not
    (400, nothing written)."""
    period, errors, status = default_period(), [], 200
    if request.method == "POST":
        period, errors = read_period(request.POST)
        if not errors:
            report = reports.report_request(user=request.user, period=period,
                                            district=district, committee=committee)
            return redirect(report)
        status = 400
    page = paginate(request, reports.recent_reports(
        request.user, district=district, committee=committee), per_page=PAGE_SIZE)
    return render(
        request, "overview/reports/report_list.html",
        {"district": district or committee.district, "committee": committee, "page": page,
         "keep_days": settings.PERIOD_REPORT_KEEP_DAYS, **_period_context(period, errors)},
        status=status,
    )


@login_required
def district_reports(request, pk):
    district = get_for_user(request.user, District, pk=pk)
    return _reports_page(request, district=district)


@login_required
def committee_reports(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk,
        queryset=Committee.objects.for_user(request.user, write=True).select_related("district"),
    )
    return _reports_page(request, committee=committee)


def _report(request, pk) -> PeriodReport:
    """The report, if the user may read it and it is still kept; else 404."""
    report = get_for_user(
        request.user, PeriodReport, pk=pk,
        queryset=PeriodReport.objects.select_related(
            "district", "committee__district", "requested_by").defer("content"),
    )
    if report.expired:
        raise Http404("This report is no longer kept.")
    return report


@login_required
@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    return render(request, "overview/reports/report_detail.html", {
        "report": report, "committee": report.committee,
        "district": report.district or report.committee.district,
    })


@login_required
@require_GET
def report_download(request, pk):
    report = _report(request, pk)
    if not report.downloadable:
        raise Http404("This report has no file.")
    content = PeriodReport.objects.filter(pk=report.pk).values_list("content", flat=True).get()
    return xlsx_response(bytes(content), report.filename)


@login_required
@require_GET
def committee_summary(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk,
        queryset=Committee.objects.for_user(request.user, write=True).select_related("district"),
    )
    period, errors = read_period(request.GET)
    return render(
        request, "overview/committee_summary.html",
        {"committee": committee, "summary": summary.committee_summary(committee, period),
         **_period_context(period, errors)},
        status=400 if errors else 200,
    )
