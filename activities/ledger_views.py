"""A unit's ledger (成果联享) in Excel, the year's sheet of what it gave and took part in."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.dates import year_or_current
from core.scope import get_for_user
from core.xlsx import xlsx_response
from units.models import Unit

from .ledger import ledger_xlsx, unit_ledger


@login_required
@require_GET
def unit_ledger_export(request, pk):
    unit = get_for_user(request.user, Unit, pk=pk)
    year = year_or_current(request.GET.get("year"))
    content = ledger_xlsx(unit_ledger(unit, year, user=request.user))
    return xlsx_response(content, f"{unit.name}-成果联享-{year}.xlsx")
