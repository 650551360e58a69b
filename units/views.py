"""Resident units (驻区单位): the district's list and a unit's page (its ledger, 成果联享, is a
card from activities: ``activities.sections``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Committee, District
from core import sections
from core.models import RoleAssignment
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user, sees_unit_liaisons

from . import agreements, selectors
from .forms import UnitFilter, UnitForm
from .models import Unit

UNIT_PAGE_SIZE = 25


def _new_unit_districts(user):
    """Districts the user may add units to: their own as a district officer, and those of the
    committees they may change (a committee's secretary adds the units it works with)."""
    return District.objects.filter(
        Q(pk__in=District.objects.for_user(user, write=True).values("pk"))
        | Q(pk__in=Committee.objects.for_user(user, write=True).values("district_id"))
    ).order_by("name")


@login_required
def unit_list(request):
    units = selectors.unit_rows(request.user)
    unit_filter = UnitFilter(request.GET or None, queryset=units)
    page = paginate(request, unit_filter.qs, per_page=UNIT_PAGE_SIZE)
    selectors.attach_member_committees(page.object_list)
    return render(
        request,
        "units/unit_list.html",
        {
            "filter": unit_filter,
            "page": page,
            "filtered": any(request.GET.get(k) for k in unit_filter.filters),
            "can_add": _new_unit_districts(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    choices = _new_unit_districts(request.user)
    districts = list(choices)
    if not districts:
        raise PermissionDenied
    form = UnitForm(
        request.POST or None, instance=Unit(district=districts[0]),
        districts=choices if len(districts) > 1 else None,
    )
    return form_page(
        request, form,
        save=lambda f: agreements.unit_save(unit=f.instance),
        title=_("New resident unit"),
        cancel_url=reverse("units:unit-list"),
        success_message=_("Unit added."),
    )


@login_required
def unit_detail(request, pk):
    unit = get_for_user(
        request.user, Unit, pk=pk, queryset=Unit.objects.select_related("district")
    )
    can_edit = can_write(request.user, unit)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "cards": sections.render("unit-detail", request, unit, {"unit": unit}),
            "can_edit": can_edit,
            "organisation": selectors.unit_organisation(unit, request.user),
            "liaisons": [
                a.user for a in RoleAssignment.objects.filter(unit=unit, role="unit_liaison")
                .select_related("user").order_by("user__username")
            ] if sees_unit_liaisons(request.user, unit, writes_unit=can_edit) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_update(request, pk):
    unit = get_for_user(request.user, Unit, write=True, pk=pk)
    form = UnitForm(request.POST or None, instance=unit)
    return form_page(
        request, form,
        save=lambda f: agreements.unit_save(unit=f.instance),
        title=_("Edit %(name)s") % {"name": unit.name},
        cancel_url=unit.get_absolute_url(),
        success_message=_("Unit saved."),
    )
