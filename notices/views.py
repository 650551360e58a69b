"""Pages of notices: the list (received and sent), sending one (the district's, a
committee's), its page (the notice; for the sender who signed, replied and is late; for a
recipient their sign-off and replies), the Excel of the status, reopening, returning a reply,
and the files."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee, District
from core.pages import decision, form_page, paginate
from core.scope import can_write, get_for_user, scope_of
from core.uploads import file_response
from core.xlsx import add_sheet, datetime_cell, new_workbook, workbook_bytes, xlsx_response

from . import selectors, services
from .forms import NoticeForm, ReopenForm, ReplyForm, ReturnForm
from .models import Notice, NoticeAttachment, NoticeRecipient, NoticeReply, ReplyFile


def _notice(user, pk, *, write=False):
    return get_for_user(user, Notice, write=write, pk=pk, queryset=Notice.objects.select_related(
        "district", "sender_committee", "sent_by"))


def _receipt(user, pk):
    return get_for_user(user, NoticeRecipient, write=True, pk=pk,
                        queryset=NoticeRecipient.objects.select_related("notice"))


@login_required
def notice_list(request):
    scope = scope_of(request.user)
    return render(request, "notices/notice_list.html", {
        "received": list(selectors.received(request.user)[:50]),
        "page": paginate(request, selectors.sent_notices(request.user)),
        "districts": list(District.objects.for_user(request.user, write=True)),
        "committees": list(Committee.objects.filter(pk__in=scope.committee_ids)),
        "today": timezone.localdate(),
    })


def _send_page(request, *, district, committee=None):
    choices = services.recipient_choices(district=district, sender_committee=committee)
    units = services.unit_choices(sender_committee=committee) if committee else None
    form = NoticeForm(request.POST or None, request.FILES or None, choices=choices,
                      unit_choices=units)
    return form_page(
        request, form,
        save=lambda f: services.notice_send(
            user=request.user, district=district, sender_committee=committee,
            title=f.cleaned_data["title"], text=f.cleaned_data["text"],
            due_on=f.cleaned_data["due_on"], reply_required=f.cleaned_data["reply_required"],
            recipients=f.chosen(), files=f.cleaned_data["files"]),
        title=_("Send a notice"), cancel_url=reverse("notices:notice-list"),
        success_message=_("The notice is sent."), template="notices/notice_form.html",
        context={"sender": committee or district},
    )


@login_required
@require_http_methods(["GET", "POST"])
def district_notice_create(request, pk):
    district = get_for_user(request.user, District, write=True, pk=pk)
    return _send_page(request, district=district)


@login_required
@require_http_methods(["GET", "POST"])
def committee_notice_create(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk,
                             queryset=Committee.objects.select_related("district"))
    return _send_page(request, district=committee.district, committee=committee)


@login_required
def notice_detail(request, pk):
    notice = _notice(request.user, pk)
    is_sender = can_write(request.user, notice)
    today = timezone.localdate()
    rows, counts = selectors.status_rows(notice, today=today) if is_sender else ([], {})
    return render(request, "notices/notice_detail.html", {
        "notice": notice,
        "attachments": list(notice.attachments.all()),
        "is_sender": is_sender,
        "rows": rows,
        "counts": counts,
        "receipts": selectors.own_receipts(request.user, notice),
        "is_open": notice.open_on(today),
        "reply_form": ReplyForm() if notice.reply_required else None,
    })


@login_required
def notice_export(request, pk):
    notice = _notice(request.user, pk, write=True)
    rows, _counts = selectors.status_rows(notice)
    workbook = new_workbook()
    add_sheet(workbook, _("Recipients"), [
        _("Recipient"), _("State"), _("Signed at"), _("Signed by"), pgettext("notice", "Late"),
        _("Replied at"), _("Reply"), _("Returned with"),
    ], [
        [row.name, row.state_label, datetime_cell(row.signed_at), row.signed_by,
         _("yes") if row.late else _("no"),
         datetime_cell(row.reply.submitted_at) if row.reply else "",
         row.reply.text if row.reply else "",
         row.reply.return_reason if row.reply else ""]
        for row in rows
    ])
    return xlsx_response(workbook_bytes(workbook), f"{notice.title[:60]}-签收情况.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def notice_reopen(request, pk):
    notice = _notice(request.user, pk, write=True)
    return form_page(
        request, ReopenForm(request.POST or None),
        save=lambda f: services.notice_reopen(notice=notice, user=request.user,
                                              until=f.cleaned_data["until"]),
        title=_("Reopen the notice"), cancel_url=notice.get_absolute_url(),
        success_message=_("The notice is open again."),
    )


@login_required
@require_POST
def receipt_sign(request, pk):
    receipt = _receipt(request.user, pk)
    return decision(
        request, lambda: services.receipt_sign(recipient=receipt, user=request.user),
        next_url=receipt.notice.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt_reply(request, pk):
    receipt = _receipt(request.user, pk)
    return form_page(
        request, ReplyForm(request.POST or None, request.FILES or None),
        save=lambda f: services.reply_submit(recipient=receipt, user=request.user,
                                             text=f.cleaned_data["text"],
                                             files=f.cleaned_data["files"]),
        title=_("Reply to the notice"), cancel_url=receipt.notice.get_absolute_url(),
        success_message=_("Your reply is sent."), next_url=receipt.notice.get_absolute_url(),
        template="notices/notice_form.html", context={"notice": receipt.notice},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply_return(request, pk):
    reply = get_for_user(request.user, NoticeReply, pk=pk,
                         queryset=NoticeReply.objects.select_related("recipient"))
    notice = _notice(request.user, reply.recipient.notice_id, write=True)
    return form_page(
        request, ReturnForm(request.POST or None),
        save=lambda f: services.reply_return(reply=reply, user=request.user,
                                             reason=f.cleaned_data["reason"]),
        title=_("Return the reply"), cancel_url=notice.get_absolute_url(),
        success_message=_("The reply is returned."), next_url=notice.get_absolute_url(),
    )


@login_required
def attachment_file(request, pk, attachment_pk):
    return file_response(get_for_user(request.user, NoticeAttachment, pk=attachment_pk,
                                      notice_id=pk))


@login_required
def reply_file(request, pk, file_pk):
    return file_response(get_for_user(request.user, ReplyFile, pk=file_pk, reply_id=pk))
