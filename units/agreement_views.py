"""Co-building agreements (共建协议) of a committee, and the part-time seats made from them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Committee
from core import sections
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user

from . import agreements
from .forms import AgreementFilter, AgreementForm, AgreementSeatForm, EndForm, RenewForm
from .models import Agreement, AgreementStatus

AGREEMENT_PAGE_SIZE = 25


def _agreement(request, pk, *, write=False):
    return get_for_user(
        request.user, Agreement, write=write, pk=pk,
        queryset=Agreement.objects.select_related("unit", "committee", "committee__district"),
    )


@login_required
def agreement_list(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )
    rows = (
        Agreement.objects.for_user(request.user)
        .filter(committee=committee)
        .select_related("unit")
        .order_by("ends_on", "unit__name", "pk")
    )
    agreement_filter = AgreementFilter(request.GET or None, queryset=rows)
    can_add = can_write(request.user, committee)
    return render(
        request,
        "units/agreement_list.html",
        {
            "committee": committee,
            "filter": agreement_filter,
            "page": paginate(request, agreement_filter.qs, per_page=AGREEMENT_PAGE_SIZE),
            "filtered": bool(request.GET.get("status")),
            "can_add": can_add,
            "cards": sections.render("agreement-list", request, committee, {"can_add": can_add}),
        },
    )


def _agreement_form_page(request, agreement, *, committee, title, cancel_url, message):
    form = AgreementForm(
        request.POST or None, instance=agreement, user=request.user, committee=committee
    )
    return form_page(
        request, form,
        save=lambda f: agreements.agreement_save(agreement=f.instance, user=request.user),
        title=title,
        cancel_url=cancel_url,
        success_message=message,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request, pk):
    committee = get_for_user(
        request.user, Committee, write=True, pk=pk,
        queryset=Committee.objects.select_related("district"),
    )
    return _agreement_form_page(
        request, Agreement(committee=committee), committee=committee,
        title=_("New co-building agreement of %(name)s") % {"name": committee.name},
        cancel_url=_list_url(committee),
        message=_("Agreement saved."),
    )


@login_required
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    can_edit = can_write(request.user, agreement)
    return render(
        request,
        "units/agreement_detail.html",
        {
            "agreement": agreement,
            "committee": agreement.committee,
            "seats": agreement.seats.select_related("member").order_by("term_start", "pk"),
            "can_edit": can_edit,
            "running": agreement.status == AgreementStatus.IN_FORCE,
            "in_force": agreement.current_status == AgreementStatus.IN_FORCE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_update(request, pk):
    agreement = _agreement(request, pk, write=True)
    return _agreement_form_page(
        request, agreement, committee=agreement.committee,
        title=_("Edit the agreement with %(unit)s") % {"unit": agreement.unit.name},
        cancel_url=agreement.get_absolute_url(),
        message=_("Agreement saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk):
    agreement = _agreement(request, pk, write=True)
    form = RenewForm(request.POST or None, agreement=agreement)
    return form_page(
        request, form,
        save=lambda f: agreements.agreement_renew(
            agreement=agreement, new_end=f.cleaned_data["new_end"], user=request.user
        ),
        title=_("Renew the agreement with %(unit)s") % {"unit": agreement.unit.name},
        cancel_url=agreement.get_absolute_url(),
        success_message=_("Agreement renewed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_end(request, pk):
    """Ask for the day and confirmation (the seats still open end with it), then end it."""
    agreement = _agreement(request, pk, write=True)
    form = EndForm(request.POST or None)
    return form_page(
        request, form,
        save=lambda f: agreements.agreement_end(
            agreement=agreement, on=f.cleaned_data["on"], user=request.user
        ),
        title=_("End the agreement"),
        cancel_url=agreement.get_absolute_url(),
        success_message=_("Agreement ended."),
        next_url=agreement.get_absolute_url(),
        template="units/agreement_end.html",
        context={
            "agreement": agreement,
            "committee": agreement.committee,
            "open_seats": agreements.open_seat_count(agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_seat_create(request, pk):
    agreement = _agreement(request, pk, write=True)
    form = AgreementSeatForm(request.POST or None, agreement=agreement)
    return form_page(
        request, form,
        save=lambda f: agreements.agreement_seat_create(
            agreement=agreement, user=request.user, **f.cleaned_data
        ),
        title=_("Part-time seat from %(unit)s on %(committee)s")
        % {"unit": agreement.unit.name, "committee": agreement.committee.name},
        cancel_url=agreement.get_absolute_url(),
        success_message=_("Seat added."),
        next_url=agreement.get_absolute_url(),
    )


def _list_url(committee):
    return reverse("units:agreement-list", args=[committee.pk])
