"""Volunteer service teams: the list, a team's page, creating and editing one. Teams are read
with their committee and written by its side."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Committee
from core.pages import form_page, paginate
from core.scope import can_write, get_for_user

from . import teams
from .models import ServiceTeam
from .team_forms import TeamForm


@login_required
@require_GET
def team_list(request):
    team_filter = teams.team_filter(request.user, request.GET)
    return render(
        request,
        "activities/team_list.html",
        {
            "filter": team_filter,
            "page": paginate(request, teams.team_rows(team_filter.qs), per_page=teams.PAGE_SIZE),
            "filtered": any(request.GET.get(name) for name in team_filter.filters),
            "new_team_committee": _new_team_committee(request.user, team_filter),
        },
    )


def _new_team_committee(user, team_filter):
    """Where the list's "new team" button leads: the committee filtered on, or the only one,
    that the user may write (one query); None otherwise."""
    writable = Committee.objects.for_user(user, write=True)
    chosen = team_filter.form.cleaned_data.get("committee") if team_filter.is_valid() else None
    if chosen is not None:
        return chosen if writable.filter(pk=chosen.pk).exists() else None
    only = list(writable.order_by("name")[:2])
    return only[0] if len(only) == 1 else None


def _save(request, form, committee=None):
    return teams.team_save(
        team=form.instance, user=request.user, committee=committee,
        members=form.cleaned_data["members"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = TeamForm(
        request.POST or None, instance=ServiceTeam(committee=committee), committee=committee
    )
    return form_page(
        request, form,
        save=lambda f: _save(request, f, committee),
        title=_("New volunteer team of %(name)s") % {"name": committee.name},
        cancel_url=reverse("activities:team-list") + f"?committee={committee.pk}",
        success_message=_("Volunteer team created."),
    )


def _team(request, pk, *, write=False):
    return get_for_user(
        request.user, ServiceTeam, write=write, pk=pk,
        queryset=ServiceTeam.objects.select_related("committee__district", "leader"),
    )


@login_required
@require_GET
def team_detail(request, pk):
    team = _team(request, pk)
    can_edit = can_write(request.user, team)
    activities = list(teams.team_activities(team))
    return render(
        request,
        "activities/team_detail.html",
        {
            "committee": team.committee,
            "team": team,
            "can_edit": can_edit,
            "activities": activities,
            "activity_count": len(activities),
            "hours": teams.team_hours(team),
            "member_count": team.members.count(),
            # Names with their hours for the committee's side; the others see the counts.
            "member_hours": teams.team_member_hours(team) if can_edit else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_update(request, pk):
    team = _team(request, pk, write=True)
    form = TeamForm(request.POST or None, instance=team, committee=team.committee)
    return form_page(
        request, form,
        save=lambda f: _save(request, f),
        title=_("Edit the volunteer team “%(name)s”") % {"name": team.name},
        cancel_url=team.get_absolute_url(),
        success_message=_("Volunteer team saved."),
    )
