"""Download a committee's roster, filtered as on the roster page, as an .xlsx workbook; one
with full values in it is written to the audit log (``core.audit``)."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.models import Committee
from core.audit import ROSTER_EXPORT, record_download
from core.scope import get_for_user
from core.xlsx import xlsx_response

from . import selectors
from .exports import export_queryset, full_fields, roster_xlsx

logger = logging.getLogger(__name__)

MAX_EXPORT_ROWS = 50_000


@login_required
@require_GET
def roster_export(request, pk):
    committee = get_for_user(request.user, Committee, pk=pk)
    roster_filter = selectors.committee_roster_filter(request.user, committee, request.GET)
    queryset = export_queryset(selectors.roster(roster_filter.qs), request.user)
    rows = list(queryset[: MAX_EXPORT_ROWS + 1])
    if len(rows) > MAX_EXPORT_ROWS:
        messages.error(
            request,
            _("More than %(limit)s members match: narrow the filters to export them.")
            % {"limit": f"{MAX_EXPORT_ROWS:,}"},
        )
        back = reverse("members:committee-roster", args=[committee.pk])
        query = request.GET.urlencode()
        return redirect(f"{back}?{query}" if query else back)

    content = roster_xlsx(rows)
    filename = f"{committee.name}-党员名册-{timezone.localdate():%Y%m%d}.xlsx"
    fields = full_fields(rows)
    if fields:  # a file with full ID numbers, mobiles or addresses: who, what, how many
        record_download(user=request.user, obj=committee, what=ROSTER_EXPORT, rows=len(rows),
                        fields=fields)
    logger.info(
        "roster export: user=%s committee=%s rows=%s", request.user.pk, committee.pk, len(rows)
    )
    return xlsx_response(content, filename)
