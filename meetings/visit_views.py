"""Pages of visits (走街串户) and early warning (抓早抓小): a committee's visits, recording one
(a member on a phone, or the committee's side), a visit's page and raising a matter from it.
Flagging a matter's risk and closing it as mediated on the spot are matters' pages
(``matter_views``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Committee
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user

from . import visits
from .models import Matter, Visit
from .visit_forms import VisitForm, VisitMatterForm


def _committee(request, pk):
    return get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )


@login_required
@require_GET
def visit_list(request, pk):
    committee = _committee(request, pk)
    return render(
        request,
        "meetings/visit_list.html",
        {
            "committee": committee,
            "page": paginate(request, visits.visit_rows(request.user, committee),
                             per_page=visits.PAGE_SIZE),
            "can_record": visits.may_record(request.user, committee),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    committee = _committee(request, pk)  # outsiders: 404
    side = can_write(request.user, committee)
    if not side and visits.recorder_member(request.user, committee) is None:
        raise PermissionDenied  # reads the committee, is not one of its members
    form = VisitForm(request.POST or None, committee=committee, side=side)
    return form_page(
        request, form,
        save=lambda f: visits.visit_record_raising(
            committee=committee, user=request.user, matter=f.matter_fields(),
            **f.visit_fields(),
        ),
        title=_("Record a visit in %(name)s") % {"name": committee.name},
        cancel_url=reverse("meetings:visit-list", args=[committee.pk]),
        success_message=_("Visit recorded."),
    )


@login_required
@require_GET
def visit_detail(request, pk):
    visit = get_for_user(request.user, Visit, pk=pk,
                         queryset=Visit.objects.select_related("committee__district", "team"))
    return render(
        request,
        "meetings/visit_detail.html",
        {
            "committee": visit.committee,
            "visit": visit,
            "visitors": visit.visitors.order_by("pk").only("pk", "name"),
            "matters": Matter.objects.for_user(request.user).filter(visit=visit).order_by("pk"),
            "can_edit": can_write(request.user, visit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_matter(request, pk):
    visit = get_for_user(request.user, Visit, write=True, pk=pk,
                         queryset=Visit.objects.select_related("committee__district"))
    form = VisitMatterForm(request.POST or None, visit=visit)
    return form_page(
        request, form,
        save=lambda f: visits.visit_raise_matter(
            visit=visit, user=request.user, title=f.cleaned_data["title"],
            kind=f.cleaned_data["kind"], parties=f.cleaned_data["parties"],
            description=f.cleaned_data["description"], risk_flag=f.cleaned_data["risk_flag"],
        ),
        title=_("Raise a matter from the visit to %(address)s") % {"address": visit.address},
        cancel_url=visit.get_absolute_url(),
        success_message=_("Matter recorded."),
    )
