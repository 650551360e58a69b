"""Pages of meetings: a committee's list, planning one (committee or branch), its page,
editing it, attendance (form and QR), agenda items, the minutes, signing them off, addenda,
the printable minutes, and attachments."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from branches.models import Branch
from committees.models import Committee
from core.pages import confirm_page, form_page, paginate
from core.qr import qr_checkin_page, qr_screen_page
from core.scope import can_write, get_for_user, reads_committee_compliance
from core.uploads import file_response
from members.selectors import member_of

from . import joint, matters, services
from .forms import (
    AddendumForm,
    AgendaForm,
    AttachmentForm,
    MeetingAttendanceForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    holder_branches,
)
from .models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MeetingAttendanceStatus,
    MeetingKind,
    MeetingStatus,
)

Attend = MeetingAttendanceStatus


def _meeting(user, pk, *, write=False):
    return get_for_user(
        user, Meeting, write=write, pk=pk,
        queryset=Meeting.objects.select_related(
            "committee__district", "branch__parent", "venue", "signed_off_by"
        ),
    )


def _list_url(meeting):
    return reverse("meetings:meeting-list", args=[meeting.committee_id])


def _signed_off_redirect(request, meeting):
    messages.error(
        request, _("The minutes are signed off: the meeting can no longer be changed. Add an "
                   "addendum instead.")
    )
    return redirect(meeting.get_absolute_url())


# --- the list -------------------------------------------------------------------------------

@login_required
def meeting_list(request, pk):
    committee = get_for_user(request.user, Committee, pk=pk)
    branches = list(holder_branches(committee))
    form = MeetingFilterForm(request.GET or None, committee=committee, branches=branches)
    filters = {}
    if form.is_bound:
        form.is_valid()  # a value that does not parse is reported and ignored
        filters = form.cleaned_data
    page = paginate(
        request, services.meeting_rows(request.user, committee, filters),
        per_page=services.PAGE_SIZE,
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "committee": committee,
            "form": form,
            "page": page,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "can_add": can_write(request.user, committee),
            "reads_compliance": reads_committee_compliance(request.user, committee),
        },
    )


# --- planning and editing -------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = MeetingForm(
        request.POST or None, instance=Meeting(committee=committee), committee=committee,
        initial={"kind": MeetingKind.MONTHLY},
    )
    return form_page(
        request, form,
        save=lambda f: services.meeting_save(
            meeting=f.instance, user=request.user, committee=committee,
            units=f.units_chosen(),
        ),
        title=_("New meeting of %(name)s") % {"name": committee.name},
        cancel_url=reverse("meetings:meeting-list", args=[committee.pk]),
        success_message=_("Meeting planned."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_meeting_create(request, pk):
    """A meeting of a branch or party group: its secretary (or the parent branch's), or the
    committee's side."""
    branch = get_for_user(
        request.user, Branch, write=True, pk=pk,
        queryset=Branch.objects.select_related("committee", "parent"),
    )
    form = MeetingForm(
        request.POST or None, instance=Meeting(committee=branch.committee, branch=branch),
        committee=branch.committee, branch=branch,
    )
    return form_page(
        request, form,
        save=lambda f: services.meeting_save(meeting=f.instance, user=request.user,
                                             branch=branch),
        title=_("New meeting of %(name)s") % {"name": branch.name},
        cancel_url=branch.get_absolute_url(),
        success_message=_("Meeting planned."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_update(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    if services.is_signed_off(meeting):
        return _signed_off_redirect(request, meeting)
    form = MeetingForm(
        request.POST or None, instance=meeting, committee=meeting.committee,
        branch=meeting.branch,
    )
    return form_page(
        request, form,
        save=lambda f: services.meeting_save(
            meeting=f.instance, user=request.user, units=f.units_chosen()
        ),
        title=_("Edit the meeting “%(title)s”") % {"title": meeting.title},
        cancel_url=meeting.get_absolute_url(),
        success_message=_("Meeting saved."),
    )


# --- the meeting's page and its printable minutes -------------------------------------------

def _meeting_context(user, meeting) -> dict:
    attendances = list(meeting.attendances.only(
        "pk", "meeting_id", "name", "status", "reason", "checked_in_at", "unit_id", "member_id"
    ))
    by_status = {value: [] for value in Attend.values}
    for row in attendances:
        by_status[row.status].append(row)
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "holder": meeting.branch.name if meeting.branch_id else meeting.committee.name,
        "agenda": matters.agenda_of(user, meeting),
        "attendances": attendances,
        "summary": services.attendance_summary(attendances),
        "present": by_status[Attend.PRESENT],
        "late": by_status[Attend.LATE],
        "leave": by_status[Attend.LEAVE],
        "absent": by_status[Attend.ABSENT],
        "expected": by_status[Attend.EXPECTED],
        "units": list(meeting.units.order_by("name")),
        "addenda": list(meeting.addenda.select_related("created_by")),
        "signed_off": services.is_signed_off(meeting),
        # who signed the minutes off (none when the account is gone, or for imported records)
        "signer": (meeting.signed_off_by.get_full_name() or meeting.signed_off_by.username)
        if meeting.signed_off_by else "",
    }


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request.user, pk)
    can_edit = can_write(request.user, meeting)
    signed_off = services.is_signed_off(meeting)
    started = services.has_started(meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            **_meeting_context(request.user, meeting),
            "attachments": list(meeting.attachments.all()),
            "can_edit": can_edit,
            "can_change": can_edit and not signed_off,
            "can_write_minutes": can_edit and not signed_off and started,
            "can_sign_off": can_edit and meeting.status == MeetingStatus.HELD
            and bool(meeting.minutes.strip()),
            "can_add_addendum": can_edit and signed_off,
            "can_show_qr": can_edit and services.meeting_qr_refusal(meeting) is None,
            "attachment_form": AttachmentForm() if can_edit else None,
            "started": started,
            "invitations": joint.meeting_invitations(meeting) if joint.is_joint(meeting)
            else None,
            "counts_as": joint.counts_as_label(meeting),
        },
    )


@login_required
def meeting_print(request, pk):
    meeting = _meeting(request.user, pk)
    return render(
        request, "meetings/meeting_print.html",
        {**_meeting_context(request.user, meeting), "printed_at": timezone.now()},
    )


# --- attendance -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    if services.is_signed_off(meeting):
        return _signed_off_redirect(request, meeting)
    rows = meeting.attendances.only("pk", "meeting_id", "name", "status", "reason")
    form = MeetingAttendanceForm(request.POST or None, rows=rows)
    return form_page(
        request, form,
        save=lambda form: services.record_attendance(
            meeting=meeting, user=request.user, rows=form.changes()),
        title=_("Record attendance"), cancel_url=meeting.get_absolute_url(),
        success_message=_("Attendance saved."), next_url=meeting.get_absolute_url(),
        template="meetings/meeting_attendance.html", context=_form_context(meeting),
    )


@login_required
def meeting_qr(request, pk):
    """The code the recorder shows on a screen: a new one every few seconds."""
    meeting = _meeting(request.user, pk, write=True)
    return qr_screen_page(
        request, salt=services.MEETING_QR_SALT, obj=meeting,
        checkin_url_name="meetings:meeting-qr-checkin",
        refusal=services.meeting_qr_refusal(meeting),
        context={
            "committee": meeting.committee,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "subtitle": meeting.branch.name if meeting.branch_id else meeting.committee.name,
            "count": services.checked_in_count(meeting),
            "back_url": meeting.get_absolute_url(),
            "back_label": _("Back to the meeting"),
        },
    )


def _meeting_checkin_texts(meeting, record) -> dict:
    texts = {"title": meeting.title, "starts_at": meeting.starts_at}
    if record is not None:
        when = (
            date_format(timezone.localtime(record.checked_in_at), "H:i")
            if record.checked_in_at else "—"
        )
        values = {"status": record.get_status_display(), "t": when}
        texts.update(
            done_message=_("Checked in at %(t)s: %(status)s.") % values,
            already_message=_(
                "Your attendance is already recorded: %(status)s (checked in at %(t)s)."
            ) % values,
        )
    return texts


@login_required
@require_http_methods(["GET", "POST"])
def meeting_qr_checkin(request, token):
    """Where a meeting's QR code leads: one tap records the member present (or late)."""
    meeting = services.meeting_from_token(token)
    return qr_checkin_page(
        request, obj=meeting,
        member_of=lambda user: member_of(user, "branch"),
        recorded=lambda member: meeting.attendances.filter(member=member).exclude(
            status__in=[Attend.EXPECTED, Attend.ABSENT]).first(),
        refusal=lambda: services.meeting_qr_refusal(meeting),
        check_in=lambda member: services.qr_check_in(meeting=meeting, member=member),
        texts=lambda record: _meeting_checkin_texts(meeting, record),
    )


# --- the agenda -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def agenda_create(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    if services.is_signed_off(meeting):
        return _signed_off_redirect(request, meeting)
    form = AgendaForm(request.POST or None, instance=AgendaItem(meeting=meeting),
                      meeting=meeting)
    return form_page(
        request, form,
        save=lambda f: services.agenda_save(item=f.instance, user=request.user,
                                            meeting=meeting),
        title=_("New agenda item of “%(title)s”") % {"title": meeting.title},
        cancel_url=meeting.get_absolute_url(),
        success_message=_("Agenda item saved."),
        next_url=meeting.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_update(request, pk):
    item = get_for_user(
        request.user, AgendaItem, write=True, pk=pk,
        queryset=AgendaItem.objects.select_related("meeting__committee"),
    )
    meeting = item.meeting
    if services.is_signed_off(meeting):
        return _signed_off_redirect(request, meeting)
    form = AgendaForm(request.POST or None, instance=item, meeting=meeting)
    return form_page(
        request, form,
        save=lambda f: services.agenda_save(item=f.instance, user=request.user),
        title=_("Edit the agenda item “%(title)s”") % {"title": item.title},
        cancel_url=meeting.get_absolute_url(),
        success_message=_("Agenda item saved."),
        next_url=meeting.get_absolute_url(),
    )


# --- minutes, sign-off, addenda -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    if services.is_signed_off(meeting):
        return _signed_off_redirect(request, meeting)
    form = MinutesForm(
        request.POST or None,
        initial={"minutes": meeting.minutes, "decisions": meeting.decisions},
    )
    return form_page(
        request, form,
        save=lambda form: services.minutes_save(
            meeting=meeting, user=request.user, minutes=form.cleaned_data["minutes"],
            decisions=form.cleaned_data["decisions"]),
        title=_("Minutes"), cancel_url=meeting.get_absolute_url(),
        success_message=_("Minutes saved; the meeting is marked held."),
        next_url=meeting.get_absolute_url(),
        template="meetings/meeting_minutes.html", context=_form_context(meeting),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_sign_off(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    return confirm_page(
        request,
        action=lambda: services.sign_off(meeting=meeting, user=request.user),
        title=_("Sign off the minutes"), cancel_url=meeting.get_absolute_url(),
        next_url=meeting.get_absolute_url(), done_message=_("The minutes are signed off."),
        template="meetings/meeting_sign_off.html", obj=meeting,
        context={
            "meeting": meeting,
            "committee": meeting.committee,
            "can_sign_off": meeting.status == MeetingStatus.HELD
            and bool(meeting.minutes.strip()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_addendum(request, pk):
    meeting = _meeting(request.user, pk, write=True)
    form = AddendumForm(request.POST or None)
    return form_page(
        request, form,
        save=lambda f: services.add_addendum(meeting=meeting, user=request.user,
                                             text=f.cleaned_data["text"]),
        title=_("Add an addendum"), cancel_url=meeting.get_absolute_url(),
        success_message=_("Addendum added to the minutes."),
        next_url=meeting.get_absolute_url(),
        template="meetings/meeting_addendum.html",
        context={
            "meeting": meeting,
            "committee": meeting.committee,
            "signed_off": services.is_signed_off(meeting),
        },
    )


# --- attachments ----------------------------------------------------------------------------

@login_required
@require_POST
def attachment_upload(request, pk):
    """The upload form is on the meeting's page; this page shows it again when refused."""
    meeting = _meeting(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    return form_page(
        request, form,
        save=lambda f: services.attachment_add(meeting=meeting, user=request.user,
                                               upload=f.cleaned_data["file"]),
        title=_("Attachments"), cancel_url=meeting.get_absolute_url(),
        success_message=_("Attachment added."), next_url=meeting.get_absolute_url(),
        template="meetings/meeting_attachment.html",
        context={"meeting": meeting, "committee": meeting.committee},
    )


@login_required
def attachment_file(request, pk, attachment_pk):
    attachment = get_for_user(request.user, MeetingAttachment, pk=attachment_pk, meeting_id=pk)
    return file_response(attachment)


def _form_context(meeting) -> dict:
    """What the attendance and minutes pages show beside their form."""
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "started": services.has_started(meeting),
    }
