"""The volunteer-team picker's source and its search (core/pickers.py): teams by name, with
their committee and kind."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.pickers import Source, picker_response, register

from .models import ServiceTeam


def _describe(team) -> tuple[str, str]:
    return team.name, f"{team.committee.name} · {team.get_kind_display()}"


TEAMS = register("teams", Source(
    url_name="activities:team-pick",
    describe=_describe,
    prepare=lambda queryset: queryset.select_related("committee").only(
        "pk", "name", "kind", "committee_id", "committee__name"
    ),
))


@login_required
@require_GET
def team_choices(request):
    """The volunteer teams this user may read, by ``?q=``."""
    teams = ServiceTeam.objects.for_user(request.user).order_by("name", "pk")
    return picker_response(request, teams, TEAMS)
