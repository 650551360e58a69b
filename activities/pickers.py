"""The volunteer-team picker's source and its search (core/pickers.py): teams by name, with
their committee and kind."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.pickers import (
    Source,
    committee_and_kind,
    id_param,
    picker_response,
    prepare_committee,
    register,
)

from .models import ServiceTeam

TEAMS = register("teams", Source(
    url_name="activities:team-pick", describe=committee_and_kind, prepare=prepare_committee,
))


@login_required
@require_GET
def team_choices(request):
    """The volunteer teams this user may read, by ``?q=``; ``?committee=<id>``: that
    committee's."""
    teams = ServiceTeam.objects.for_user(request.user)
    if (committee_id := id_param(request, "committee")) is not None:
        teams = teams.filter(committee_id=committee_id)
    return picker_response(request, teams.order_by("name", "pk"), TEAMS)
