"""Pages of matters (一事一议): a committee's list, raising and editing one, its page, moving
it on, and its follow-ups. Matters are kept by the committee's side and read by its branch
secretaries and by the member or unit who raised one or answers for it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from core.pages import decision, form_page, paginate
from core.scope import can_write, get_for_user

from . import matters
from .matter_forms import FollowUpForm, MatterForm, MatterStatusForm, MediatedForm
from .models import Matter, MatterOutcome, MatterStatus, Visit


def _matter(request, pk, *, write=False):
    return get_for_user(
        request.user, Matter, write=write, pk=pk,
        queryset=Matter.objects.select_related(
            "committee__district", "raised_by_member", "raised_by_unit", "responsible_member",
            "responsible_team", "responsible_unit", "mediator", "visit",
        ),
    )


@login_required
@require_GET
def matter_list(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )
    matter_filter = matters.matter_filter(request.user, committee, request.GET)
    return render(
        request,
        "meetings/matter_list.html",
        {
            "committee": committee,
            "filter": matter_filter,
            "page": paginate(
                request, matters.matter_rows(matter_filter.qs), per_page=matters.PAGE_SIZE
            ),
            "filtered": any(request.GET.get(name) for name in matter_filter.filters),
            "can_add": can_write(request.user, committee),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_create(request, pk):
    committee = get_for_user(
        request.user, Committee, write=True, pk=pk,
        queryset=Committee.objects.select_related("district"),
    )
    form = MatterForm(request.POST or None, instance=Matter(committee=committee),
                      committee=committee)
    return form_page(
        request, form,
        save=lambda f: matters.matter_save(
            matter=f.instance, user=request.user, committee=committee
        ),
        title=_("Raise a matter in %(name)s") % {"name": committee.name},
        cancel_url=reverse("meetings:matter-list", args=[committee.pk]),
        success_message=_("Matter recorded."),
    )


@login_required
@require_GET
def matter_detail(request, pk):
    matter = _matter(request, pk)
    can_edit = can_write(request.user, matter)
    return render(
        request,
        "meetings/matter_detail.html",
        {
            "committee": matter.committee,
            "matter": matter,
            "is_overdue": matters.is_overdue(matter),
            "can_edit": can_edit,
            "can_move": can_edit and bool(matters.next_statuses(matter)),
            "can_mediate": can_edit and matter.status in matters.MEDIATABLE,
            "visit_readable": matter.visit_id is not None and Visit.objects.for_user(
                request.user).filter(pk=matter.visit_id).exists(),
            "deliberations": matters.deliberations(request.user, matter),
            "follow_ups": matter.follow_ups.order_by("on", "pk"),
            # Who moved it when, for the committee's side.
            "history": matters.status_history(matter) if can_edit else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_update(request, pk):
    matter = _matter(request, pk, write=True)
    form = MatterForm(request.POST or None, instance=matter, committee=matter.committee)
    return form_page(
        request, form,
        save=lambda f: matters.matter_save(matter=f.instance, user=request.user),
        title=_("Edit the matter “%(title)s”") % {"title": matter.title},
        cancel_url=matter.get_absolute_url(),
        success_message=_("Matter saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_status(request, pk):
    matter = _matter(request, pk, write=True)
    if request.method == "GET" and not matters.next_statuses(matter):
        messages.info(request, _("A resolved matter is final and cannot be reopened: raise it "
                                 "again as a new matter."))
        return redirect(matter.get_absolute_url())
    form = MatterStatusForm(request.POST or None, matter=matter)
    return form_page(
        request, form,
        save=lambda f: matters.matter_set_status(
            matter=matter, user=request.user, status=f.cleaned_data["status"],
            decision=f.cleaned_data["decision"], resolved_on=f.cleaned_data["resolved_on"],
            escalated_to=f.cleaned_data["escalated_to"],
        ),
        title=_("Move the matter “%(title)s” on (now: %(status)s)") % {
            "title": matter.title, "status": matter.get_status_display()},
        cancel_url=matter.get_absolute_url(),
        success_message=_("Status changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_follow_up(request, pk):
    matter = _matter(request, pk, write=True)
    form = FollowUpForm(request.POST or None)
    return form_page(
        request, form,
        save=lambda f: matters.follow_up_add(
            matter=matter, user=request.user, on=f.cleaned_data["on"], text=f.cleaned_data["text"]
        ),
        title=_("Follow-up on “%(title)s”") % {"title": matter.title},
        cancel_url=matter.get_absolute_url(),
        success_message=_("Follow-up added."),
        next_url=matter.get_absolute_url() + "#follow-ups",
    )


@login_required
@require_POST
def matter_flag(request, pk):
    matter = _matter(request, pk, write=True)
    flagged = request.POST.get("flagged") == "1"
    return decision(
        request,
        lambda: matters.matter_flag(matter=matter, user=request.user, flagged=flagged),
        next_url=matter.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def matter_mediated(request, pk):
    matter = _matter(request, pk, write=True)
    form = MediatedForm(request.POST or None, matter=matter)
    return form_page(
        request, form,
        save=lambda f: matters.matter_set_status(
            matter=matter, user=request.user, status=MatterStatus.RESOLVED,
            outcome=MatterOutcome.ON_THE_SPOT, mediator=f.cleaned_data["mediator"],
            resolved_on=f.cleaned_data["resolved_on"], decision=f.cleaned_data["decision"],
        ),
        title=_("Close “%(title)s” as mediated on the spot") % {"title": matter.title},
        cancel_url=matter.get_absolute_url(),
        success_message=_("Closed as mediated on the spot."),
    )
