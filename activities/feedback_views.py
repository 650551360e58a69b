"""The committee's quarterly feedback sheet to each employer unit, on screen and in Excel."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from committees.models import Committee
from core.scope import get_for_user
from core.xlsx import xlsx_response

from . import feedback


@login_required
@require_GET
def feedback_sheet(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    quarter = feedback.Quarter.parse(request.GET.get("year"), request.GET.get("quarter"))
    units = list(feedback.feedback_units(committee, quarter))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    rows = feedback.feedback_rows(committee, unit, quarter) if unit else []
    if unit and request.GET.get("format") == "xlsx":
        content = feedback.feedback_xlsx(committee, unit, quarter, rows)
        filename = f"{committee.name}-{unit.name}-{quarter.year}Q{quarter.number}-反馈.xlsx"
        return xlsx_response(content, filename)
    return render(
        request,
        "activities/feedback_sheet.html",
        {
            "committee": committee, "quarter": quarter, "units": units, "unit": unit,
            "rows": rows, "quarters": [1, 2, 3, 4],
        },
    )
