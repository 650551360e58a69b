"""The district's log of reads of personal data (``overview.access_log``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from committees.models import District
from core.pages import paginate
from core.scope import get_for_user

from . import access_log


@login_required
@require_GET
def district_access_log(request, pk):
    district = get_for_user(request.user, District, pk=pk)  # its officers only
    entries = access_log.access_filter(district, request.GET)
    page = paginate(request, entries.qs, per_page=access_log.PAGE_SIZE)
    return render(request, "overview/access_log.html", {
        "district": district,
        "filter": entries,
        "page": page,
        "rows": access_log.access_rows(page.object_list),
        "filtered": any(request.GET.get(name) for name in entries.filters),
    })
