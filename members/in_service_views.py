"""Pages of a committee's in-service members (在职党员) and their groups (在职党员小组).

The list of in-service members (the confirmed check-ins, with their group) and moving them
between groups are the committee's side's; the groups (names, leaders, counts) are read with
the committee, as volunteer teams are, and kept by its side.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Committee
from core.pages import confirm_page, decision, form_page, paginate
from core.scope import can_write, get_for_user

from . import in_service
from .in_service_forms import CheckInMoveForm, InServiceGroupForm
from .models import CheckIn, CheckInStatus, InServiceGroup


def _groups(user, committee, *, write=False):
    return InServiceGroup.objects.for_user(user, write=write).filter(committee=committee)


@login_required
@require_GET
def in_service_list(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    groups = _groups(request.user, committee, write=True).order_by("name", "pk")
    rows = in_service.in_service_filter(request.user, committee, request.GET, groups)
    return render(
        request,
        "members/in_service_list.html",
        {
            "committee": committee,
            "filter": rows,
            "page": paginate(request, in_service.in_service_rows(rows.qs),
                             per_page=in_service.PAGE_SIZE),
            "groups": list(groups),
            "filtered": bool(request.GET.get("group")),
        },
    )


@login_required
@require_POST
def in_service_move(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = CheckInMoveForm(
        request.POST,
        checkins=CheckIn.objects.for_user(request.user, write=True).filter(
            committee=committee, status=CheckInStatus.CONFIRMED
        ),
        groups=_groups(request.user, committee, write=True),
    )

    def decide():
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        group = form.cleaned_data["group"]
        moved = in_service.checkins_place(
            committee=committee, checkins=form.cleaned_data["checkins"], group=group
        )
        messages.success(request, _moved(group, moved))

    # Back to the page the rows were chosen on (its group filter and page number).
    back = {k: v for k in ("group", "page") if (v := request.POST.get(f"back_{k}"))}
    url = reverse("members:in-service", args=[committee.pk])
    return decision(request, decide, next_url=f"{url}?{urlencode(back)}" if back else url)


def _moved(group, moved: int) -> str:
    if group is None:
        return ngettext("%(n)d member is now in no group.",
                        "%(n)d members are now in no group.", moved) % {"n": moved}
    return ngettext("%(n)d member moved to %(group)s.",
                    "%(n)d members moved to %(group)s.", moved) % {"n": moved, "group": group.name}


@login_required
@require_GET
def in_service_groups(request, pk):
    committee = get_for_user(request.user, Committee, pk=pk)
    can_edit = can_write(request.user, committee)
    return render(
        request,
        "members/in_service_groups.html",
        {
            "committee": committee,
            "groups": list(in_service.group_rows(_groups(request.user, committee))),
            "totals": in_service.in_service_totals(committee),
            "can_edit": can_edit,
        },
    )


def _group_list(committee_id):
    return reverse("members:in-service-groups", args=[committee_id])


@login_required
@require_http_methods(["GET", "POST"])
def in_service_group_create(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = InServiceGroupForm(
        request.POST or None, instance=InServiceGroup(committee=committee), committee=committee
    )
    return form_page(
        request, form,
        save=lambda f: in_service.group_save(group=f.instance, committee=committee),
        title=_("New in-service member group of %(name)s") % {"name": committee.name},
        cancel_url=_group_list(committee.pk), next_url=_group_list(committee.pk),
        success_message=_("In-service member group created."),
    )


def _group(request, pk):
    return get_for_user(
        request.user, InServiceGroup, write=True, pk=pk,
        queryset=InServiceGroup.objects.select_related("committee"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def in_service_group_edit(request, pk):
    group = _group(request, pk)
    form = InServiceGroupForm(request.POST or None, instance=group, committee=group.committee)
    return form_page(
        request, form,
        save=lambda f: in_service.group_save(group=f.instance),
        title=_("Edit the in-service member group “%(name)s”") % {"name": group.name},
        cancel_url=_group_list(group.committee_id), next_url=_group_list(group.committee_id),
        success_message=_("In-service member group saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def in_service_group_delete(request, pk):
    group = _group(request, pk)
    return confirm_page(
        request,
        action=lambda: in_service.group_delete(group=group),
        title=_("Delete the in-service member group “%(name)s”") % {"name": group.name},
        cancel_url=_group_list(group.committee_id), next_url=_group_list(group.committee_id),
        done_message=_("In-service member group deleted."), obj=group,
        context={"question": _(
            "Delete the group? Its members stay checked in to the community, in no group.")},
    )
