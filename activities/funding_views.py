"""Funding lines of an activity or a project (add, correct, delete), and a committee's
funding of a year. Money stays with the committee's side: others who read the activity or
project get 403 here, those who cannot read it 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Committee
from core.dates import year_context, year_or_current
from core.pages import confirm_page, form_page, paginate
from core.scope import get_for_user
from units.models import Project

from . import funding
from .funding_forms import FundingForm
from .models import Activity, Funding

PAGE_SIZE = 25


def _form_page(request, form, *, line, target, save, title, success_message, history=()):
    """``core.pages.form_page`` on the funding template, which also shows the line's history
    when it has one."""
    next_url = target.get_absolute_url()
    return form_page(
        request, form, save=save, title=title, cancel_url=next_url,
        success_message=success_message, next_url=next_url,
        template="activities/funding_form.html",
        context={
            "committee": target.committee,
            "target": target,
            "line": line,
            "history": history,
            "delete_refused": funding.deletion_refused(line.state) if line.pk else None,
        },
    )


def _create(request, target, *, activity=None, project=None):
    line = Funding(
        activity=activity, project=project, committee=target.committee,
        date=timezone.localdate(),
    )
    form = FundingForm(request.POST or None, instance=line, committee=target.committee)
    return _form_page(
        request, form, line=line, target=target,
        save=lambda f: funding.funding_save(
            line=f.instance, user=request.user, activity=activity, project=project
        ),
        title=_("Add a funding line to “%(title)s”") % {"title": target.title},
        success_message=_("Funding line added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_funding_create(request, pk):
    activity = get_for_user(
        request.user, Activity, write=True, pk=pk,
        queryset=Activity.objects.select_related("committee__district"),
    )
    return _create(request, activity, activity=activity)


@login_required
@require_http_methods(["GET", "POST"])
def project_funding_create(request, pk):
    project = get_for_user(
        request.user, Project, write=True, pk=pk,
        queryset=Project.objects.select_related("committee__district"),
    )
    return _create(request, project, project=project)


def _line(request, pk):
    line = get_for_user(
        request.user, Funding, write=True, pk=pk,
        queryset=Funding.objects.select_related(
            "committee__district", "activity__committee", "project__committee", "unit"
        ),
    )
    return line, line.activity or line.project


@login_required
@require_http_methods(["GET", "POST"])
def funding_update(request, pk):
    line, target = _line(request, pk)
    form = FundingForm(request.POST or None, instance=line, committee=line.committee)
    return _form_page(
        request, form, line=line, target=target,
        save=lambda f: funding.funding_save(line=f.instance, user=request.user),
        title=_("Edit a funding line of “%(title)s”") % {"title": target.title},
        success_message=_("Funding line saved."),
        history=funding.funding_history(line),
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_delete(request, pk):
    line, target = _line(request, pk)
    return confirm_page(
        request,
        action=lambda: funding.funding_delete(line=line, user=request.user),
        title=_("Delete a funding line"),
        cancel_url=reverse("activities:funding-update", args=[line.pk]),
        next_url=target.get_absolute_url(), done_message=_("Funding line deleted."),
        template="activities/funding_confirm_delete.html", obj=line, refused_status=409,
        context={"committee": line.committee, "target": target, "line": line,
                 "refusal": funding.deletion_refused(line.state)},
    )


@login_required
@require_GET
def committee_funding(request, pk):
    # The committee's side only: whoever else reads the committee does not learn it has money.
    committee = get_for_user(
        request.user, Committee, pk=pk,
        queryset=Committee.objects.for_user(request.user, write=True).select_related("district"),
    )
    year = year_or_current(request.GET.get("year"))
    return render(
        request,
        "activities/funding_committee.html",
        {
            "committee": committee,
            # Funding is pledged ahead: the switcher goes on to next year.
            **year_context(year, ahead=1),
            "totals": funding.committee_funding_summary(committee, year),
            "page": paginate(
                request, funding.committee_funding_lines(request.user, committee, year),
                per_page=PAGE_SIZE,
            ),
            "activity_list_url": reverse("activities:activity-list") + f"?committee={committee.pk}",
        },
    )
