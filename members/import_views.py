"""Roster import pages: upload, the check's preview or problems, the file of rows to correct,
confirmation, the result."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from core.audit import IMPORT_CORRECTIONS, record_download
from core.pages import decision, form_page
from core.scope import get_for_user
from core.xlsx import xlsx_response

from . import import_services, import_writes
from .forms import RosterImportForm
from .import_sheets import template_xlsx
from .imports import bad_rows_of
from .models import RosterImport

logger = logging.getLogger(__name__)

RECENT_IMPORTS = 10


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request, pk):
    """Upload a file: it is kept and checked (in Celery when large), and the import's page
    shows the check's progress, then its preview or problems."""
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    recent = (
        RosterImport.objects.for_user(request.user).filter(committee=committee)
        .select_related("created_by")
        .defer("content", "checked", "report", "corrections")[:RECENT_IMPORTS]
    )
    return form_page(
        request, form,
        save=lambda f: import_services.roster_import_start(
            committee=committee, user=request.user, filename=f.cleaned_data["file"].name,
            content=f.cleaned_data["file"].read(),
        ),
        title=_("Import a roster"),
        cancel_url=reverse("members:committee-roster", args=[committee.pk]),
        success_message=None,  # the import's page says how the check goes
        template="members/roster_import.html",
        context={"committee": committee, "recent": recent},
    )


@login_required
@require_GET
def roster_import_template(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    return xlsx_response(template_xlsx(committee), f"{committee.name}-党员名册导入模板.xlsx")


def _import(request, pk):
    return get_for_user(
        request.user, RosterImport, pk=pk,
        queryset=RosterImport.objects.select_related("committee__district", "created_by")
        .defer("content", "checked", "corrections"),
    )


@login_required
@require_GET
def roster_import_detail(request, pk):
    """The check's result: the good rows beside the bad ones with every problem of each, the
    file of rows to correct, and (when every row is good) the confirmation."""
    roster_import = _import(request, pk)
    report = roster_import.report or {}
    done, total = import_writes.progress_of(roster_import) if roster_import.busy else (0, 0)
    adds, updates = report.get("add", []), report.get("update", [])
    bad = bad_rows_of(report)
    return render(
        request,
        "members/roster_import_detail.html",
        {
            "roster_import": roster_import,
            "committee": roster_import.committee,
            "progress_done": done,
            "progress_total": total,
            "adds": adds,
            "more_adds": roster_import.to_add - len(adds),
            "updates": updates,
            "more_updates": roster_import.to_update - len(updates),
            "bad": bad,
            "more_bad": max(roster_import.bad_rows - len(bad), 0),
            "good_rows": roster_import.to_add + roster_import.to_update
            + roster_import.unchanged,
            "can_download_corrections": import_services.may_download_corrections(
                request.user, roster_import
            ),
        },
    )


@login_required
@require_GET
def roster_import_corrections(request, pk):
    """The file of rows to correct (the upload with a 问题 column), for its uploader or the
    district while it is kept; anyone else, and after that, 404. It holds the upload's full
    ID numbers and mobiles: each download writes an audit entry, as a roster export with full
    values does (never the numbers themselves)."""
    roster_import = get_for_user(
        request.user, RosterImport, pk=pk,
        queryset=RosterImport.objects.select_related("committee").defer("content", "checked"),
    )
    if not (
        import_services.may_download_corrections(request.user, roster_import)
        and roster_import.corrections
    ):
        raise Http404("No file of rows to correct.")
    record_download(user=request.user, obj=roster_import, what=IMPORT_CORRECTIONS,
                    rows=roster_import.total_rows, fields=("id_number", "mobile"))
    logger.info(
        "roster import corrections: user=%s import=%s committee=%s rows=%s bad=%s",
        request.user.pk, roster_import.pk, roster_import.committee_id,
        roster_import.total_rows, roster_import.bad_rows,
    )
    stem = roster_import.filename.rsplit(".", 1)[0] or roster_import.committee.name
    return xlsx_response(bytes(roster_import.corrections), f"{stem}-需更正的行.xlsx")


@login_required
@require_POST
def roster_import_confirm(request, pk):
    roster_import = _import(request, pk)
    return decision(
        request,
        lambda: import_services.roster_import_confirm(
            roster_import=roster_import, user=request.user
        ),
        next_url=roster_import.get_absolute_url(),
    )


@login_required
@require_POST
def roster_import_discard(request, pk):
    roster_import = _import(request, pk)
    return decision(
        request,
        lambda: import_services.roster_import_discard(
            roster_import=roster_import, user=request.user
        ),
        next_url=reverse("members:roster-import", args=[roster_import.committee_id]),
    )
