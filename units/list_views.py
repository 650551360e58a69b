"""Pages of the three lists (需求清单、资源清单、项目清单) of a committee, and matching a need
with the resources on offer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Committee
from core import sections
from core.forms import add_service_errors
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user

from . import lists
from .list_forms import MatchForm, NeedForm, ProjectForm, ResourceEditForm, ResourceForm
from .models import Need, NeedStatus, Project, Resource


def _committee(user, pk):
    return get_for_user(
        user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )


def _filtered(request, list_filter) -> bool:
    return any(request.GET.get(name) for name in list_filter.filters)


# --- needs --------------------------------------------------------------------------------

@login_required
def need_list(request, pk):
    committee = _committee(request.user, pk)
    need_filter = lists.need_filter(request.user, committee, request.GET)
    can_add = (
        can_write(request.user, committee)
        or lists.need_branches(request.user, committee).exists()
    )
    return render(
        request,
        "units/need_list.html",
        {
            "committee": committee,
            "filter": need_filter,
            "page": paginate(request, lists.need_rows(need_filter.qs), per_page=lists.PAGE_SIZE),
            "filtered": _filtered(request, need_filter),
            "can_add": can_add,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request, pk):
    committee = _committee(request.user, pk)
    committee_side = can_write(request.user, committee)
    branches = lists.need_branches(request.user, committee)
    if not committee_side and not branches.exists():
        raise PermissionDenied
    form = NeedForm(
        request.POST or None, instance=Need(committee=committee),
        branches=branches, branch_required=not committee_side,
    )
    return form_page(
        request, form,
        save=lambda f: lists.need_save(need=f.instance),
        title=_("Add a need of %(name)s") % {"name": committee.name},
        cancel_url=reverse("units:need-list", args=[committee.pk]),
        success_message=_("Need added."),
    )


def _need_queryset():
    return Need.objects.select_related("committee__district", "branch")


def _need_page(request, need, *, match_form=None, status=200):
    """The need, its projects, and (for the committee's side, while it is open) the matching
    form with the resources on offer, the need's kind first."""
    can_match = need.status == NeedStatus.OPEN and can_write(request.user, need.committee)
    suggestions = []
    if can_match:
        match_form = match_form or MatchForm(need=need)
        chosen = set(match_form.data.getlist("resources")) if match_form.is_bound else set()
        suggestions = list(lists.suggested_resources(need))
        for resource in suggestions:
            resource.chosen = str(resource.pk) in chosen
    match_errors = []
    if match_form is not None and match_form.is_bound:
        match_errors = [*match_form.non_field_errors(), *match_form.errors.get("resources", [])]
    return render(
        request,
        "units/need_detail.html",
        {
            "committee": need.committee,
            "need": need,
            "can_edit": can_write(request.user, need),
            "can_match": can_match,
            "match_form": match_form,
            "match_errors": match_errors,
            "suggestions": suggestions,
            "projects": need.projects.order_by("-created_at"),
        },
        status=status,
    )


@login_required
def need_detail(request, pk):
    need = get_for_user(request.user, Need, pk=pk, queryset=_need_queryset())
    return _need_page(request, need)


@login_required
@require_http_methods(["GET", "POST"])
def need_update(request, pk):
    need = get_for_user(request.user, Need, write=True, pk=pk, queryset=_need_queryset())
    committee_side = can_write(request.user, need.committee)
    form = NeedForm(
        request.POST or None, instance=need,
        branches=lists.need_branches(request.user, need.committee),
        branch_required=not committee_side,
    )
    return form_page(
        request, form,
        save=lambda f: lists.need_save(need=f.instance),
        title=_("Edit the need “%(title)s”") % {"title": need.title},
        cancel_url=need.get_absolute_url(),
        success_message=_("Need saved."),
    )


@login_required
@require_POST
def need_match(request, pk):
    need = get_for_user(request.user, Need, pk=pk, queryset=_need_queryset())
    if not can_write(request.user, need.committee):
        raise PermissionDenied
    form = MatchForm(request.POST, need=need)
    if form.is_valid():
        try:
            project = lists.need_match(
                need=need, resources=form.cleaned_data["resources"],
                title=form.cleaned_data["title"], owner=form.cleaned_data["owner"],
                user=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Need matched: project “%(title)s” proposed.") % {"title": project}
            )
            return redirect(project.get_absolute_url())
    return _need_page(request, need, match_form=form, status=400)


# --- resources ----------------------------------------------------------------------------

@login_required
def resource_list(request, pk):
    committee = _committee(request.user, pk)
    committee_side = can_write(request.user, committee)
    resource_filter = lists.resource_filter(request.user, committee, request.GET)
    page = paginate(
        request, lists.resource_rows(resource_filter.qs), per_page=lists.PAGE_SIZE
    )
    can_add = committee_side or lists.offerable_units(
        request.user, committee, committee_side=False
    ).exists()
    editable = (
        {r.pk for r in page.object_list} if committee_side
        else lists.editable_ids(request.user, Resource, page.object_list)
    )
    for resource in page.object_list:
        resource.can_edit = resource.pk in editable
    return render(
        request,
        "units/resource_list.html",
        {
            "committee": committee,
            "filter": resource_filter,
            "page": page,
            "filtered": _filtered(request, resource_filter),
            "can_add": can_add,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request, pk):
    committee = _committee(request.user, pk)
    committee_side = can_write(request.user, committee)
    units = lists.offerable_units(request.user, committee, committee_side=committee_side)
    if not committee_side and not units.exists():
        # Not the committee's side, and no unit of theirs has an agreement in force with it.
        raise PermissionDenied
    form = ResourceForm(request.POST or None, instance=Resource(committee=committee), units=units)
    list_url = reverse("units:resource-list", args=[committee.pk])
    return form_page(
        request, form,
        save=lambda f: lists.resource_save(resource=f.instance),
        title=_("Offer a resource to %(name)s") % {"name": committee.name},
        cancel_url=list_url,
        success_message=_("Resource added."),
        next_url=list_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_update(request, pk):
    resource = get_for_user(
        request.user, Resource, write=True, pk=pk,
        queryset=Resource.objects.select_related("unit", "committee"),
    )
    list_url = reverse("units:resource-list", args=[resource.committee_id])
    form = ResourceEditForm(request.POST or None, instance=resource)
    return form_page(
        request, form,
        save=lambda f: lists.resource_save(resource=f.instance),
        title=_("Edit a resource of %(unit)s") % {"unit": resource.unit.name},
        cancel_url=list_url,
        success_message=_("Resource saved."),
        next_url=list_url,
    )


# --- projects -----------------------------------------------------------------------------

@login_required
def project_list(request, pk):
    committee = _committee(request.user, pk)
    project_filter = lists.project_filter(request.user, committee, request.GET)
    return render(
        request,
        "units/project_list.html",
        {
            "committee": committee,
            "filter": project_filter,
            "page": paginate(
                request, lists.project_rows(project_filter.qs), per_page=lists.PAGE_SIZE
            ),
            "filtered": _filtered(request, project_filter),
        },
    )


@login_required
def project_detail(request, pk):
    project = get_for_user(
        request.user, Project, pk=pk,
        queryset=Project.objects.select_related("committee__district", "need"),
    )
    return render(
        request,
        "units/project_detail.html",
        {
            "committee": project.committee,
            "project": project,
            "resources": lists.project_resources(project, request.user),
            "units": project.units.order_by("name"),
            "can_edit": can_write(request.user, project),
            "cards": sections.render("project-detail", request, project, {"project": project}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_update(request, pk):
    project = get_for_user(request.user, Project, write=True, pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    return form_page(
        request, form,
        save=lambda f: lists.project_save(project=f.instance),
        title=_("Edit the project “%(title)s”") % {"title": project.title},
        cancel_url=project.get_absolute_url(),
        success_message=_("Project saved."),
    )
