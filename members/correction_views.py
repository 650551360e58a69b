"""The member's own data: the file of it (下载我的信息) and correction requests (申请更正),
asked by the member and decided by whoever may edit the member."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Committee
from core.audit import OWN_DATA, record_download
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user
from core.xlsx import xlsx_response

from . import corrections, selectors
from .correction_forms import CorrectionDecisionForm, CorrectionRequestForm
from .models import CorrectionRequest
from .own_data import member_workbook
from .selectors import own_member

CORRECTIONS_PAGE_SIZE = 25


@login_required
def my_data(request):
    """The member's own data in one workbook: theirs only (an account without a member record
    has none: 404), with their full ID number and mobile; written to the audit log."""
    member = own_member(request.user)
    content = member_workbook(member)
    record_download(user=request.user, obj=member, what=OWN_DATA, rows=1,
                    fields=("id_number", "mobile", "address"))
    filename = _("my data %(date)s.xlsx") % {"date": timezone.localdate().isoformat()}
    return xlsx_response(content, filename)


@login_required
@require_http_methods(["GET", "POST"])
def correction_create(request):
    member = own_member(request.user, "committee")
    form = CorrectionRequestForm(request.POST or None)
    me = reverse("members:me")
    return form_page(
        request, form,
        save=lambda f: corrections.correction_request(
            member=member, user=request.user, **f.cleaned_data),
        title=_("Ask to correct my details"), cancel_url=me, next_url=me,
        success_message=_("Your request is sent. The community's secretary will decide it, "
                          "and you will be told."),
    )


@login_required
def correction_list(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    pending = request.GET.get("status") != "decided"
    rows = selectors.committee_corrections(request.user, committee, pending=pending)
    page = paginate(request, rows, per_page=CORRECTIONS_PAGE_SIZE)
    for correction in page:
        correction.proposed_shown = corrections.proposed_shown(correction, request.user)
    return render(request, "members/correction_list.html", {
        "committee": committee, "pending": pending, "page": page,
    })


@login_required
@require_http_methods(["GET", "POST"])
def correction_decide(request, pk):
    """The request and, while it waits, the decision: accept, or refuse with a reason."""
    correction = get_for_user(
        request.user, CorrectionRequest, write=True, pk=pk,
        queryset=CorrectionRequest.objects.select_related(
            "member", "member__committee", "decided_by"),
    )
    member = correction.member
    form = CorrectionDecisionForm(request.POST or None)
    correction.proposed_shown = corrections.proposed_shown(
        correction, request.user, reveal=request.method == "GET")

    def save(f):
        if f.cleaned_data["decision"] == CorrectionDecisionForm.ACCEPT:
            return corrections.correction_accept(correction=correction, user=request.user)
        return corrections.correction_refuse(
            correction=correction, user=request.user, reason=f.cleaned_data["reason"])

    back = (reverse("members:correction-list", args=[member.committee_id])
            if can_write(request.user, member.committee) else member.get_absolute_url())
    return form_page(
        request, form, save=save,
        title=_("Correction asked by %(name)s") % {"name": member.name},
        cancel_url=back, next_url=back,
        success_message=lambda c: (
            _("Accepted: %(name)s is told.") if c.status == "accepted"
            else _("Refused: %(name)s is told why.")) % {"name": member.name},
        template="members/correction_decide.html",
        context={"correction": correction, "member": member, "committee": member.committee},
    )
