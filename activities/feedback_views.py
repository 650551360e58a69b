"""The feedback sheet to each employer unit (quarterly or yearly), on screen and in Excel: the
committee's, for each unit, and the unit liaison's, for each community their people checked in
to."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from committees.models import Committee
from core.pages import paginate
from core.scope import get_for_user
from core.xlsx import xlsx_response
from units.models import Unit

from . import feedback

# The period picker: the whole year, then the quarters.
PERIODS = [(feedback.YEAR, _("Whole year")), (1, "1"), (2, "2"), (3, "3"), (4, "4")]


def _period(request) -> feedback.Quarter:
    return feedback.Quarter.parse(request.GET.get("year"), request.GET.get("quarter"))


def _download(committee, unit, quarter, rows):
    content = feedback.feedback_xlsx(committee, unit, quarter, rows)
    return xlsx_response(content, f"{committee.name}-{unit.name}-{quarter.code}-反馈.xlsx")


@login_required
@require_GET
def feedback_sheet(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    quarter = _period(request)
    units = list(feedback.feedback_units(committee, quarter))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    rows = feedback.feedback_rows(committee, unit, quarter) if unit else []
    if unit and request.GET.get("format") == "xlsx":
        return _download(committee, unit, quarter, rows)
    return render(
        request,
        "activities/feedback_sheet.html",
        {
            "committee": committee, "quarter": quarter, "units": units, "unit": unit,
            "rows": rows, "periods": PERIODS,
        },
    )


def _liaisons_unit(user, pk) -> Unit:
    """The unit whose people's sheets the user reads: their own as its liaison (the district's
    officers: their district's units). Anyone else, another unit's liaison included: 404."""
    return get_object_or_404(
        Unit.objects.for_user(user, write=True).select_related("district"), pk=pk
    )


@login_required
@require_GET
def unit_feedback(request, pk):
    unit = _liaisons_unit(request.user, pk)
    quarter = _period(request)
    return render(
        request,
        "activities/unit_feedback.html",
        {
            "unit": unit, "quarter": quarter, "periods": PERIODS,
            "page": paginate(request, feedback.unit_sheets(unit, quarter)),
        },
    )


@login_required
@require_GET
def unit_feedback_sheet(request, pk, committee_pk):
    unit = _liaisons_unit(request.user, pk)
    quarter = _period(request)
    committee = feedback.unit_sheet_committee(unit, quarter, committee_pk)
    if committee is None:
        raise Http404("None of the unit's members was checked in there during the period.")
    rows = feedback.feedback_rows(committee, unit, quarter)
    if request.GET.get("format") == "xlsx":
        return _download(committee, unit, quarter, rows)
    return render(
        request,
        "activities/unit_feedback_sheet.html",
        {"unit": unit, "committee": committee, "quarter": quarter, "rows": rows},
    )
