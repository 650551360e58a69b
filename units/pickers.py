"""The unit picker's source and its search (core/pickers.py): resident units by name, with
their kind."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.pickers import Source, picker_response, register

from .models import Unit


def _describe(unit) -> tuple[str, str]:
    return unit.name, unit.get_kind_display()


UNITS = register("units", Source(
    url_name="units:pick",
    describe=_describe,
    prepare=lambda queryset: queryset.only("pk", "name", "kind"),
))


@login_required
@require_GET
def unit_choices(request):
    """The units this user may read (the district's, for whoever works in it), by ``?q=``."""
    return picker_response(request, Unit.objects.for_user(request.user).order_by("name", "pk"),
                           UNITS)
