"""The branch picker's source and its search (core/pickers.py): branches by name, with their
committee and kind."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core.pickers import Source, picker_response, register

from .models import Branch


def _describe(branch) -> tuple[str, str]:
    return branch.name, f"{branch.committee.name} · {branch.get_kind_display()}"


BRANCHES = register("branches", Source(
    url_name="branches:pick",
    describe=_describe,
    prepare=lambda queryset: queryset.select_related("committee").only(
        "pk", "name", "kind", "committee_id", "committee__name"
    ),
))


@login_required
@require_GET
def branch_choices(request):
    """The branches (not party groups) this user may read, by ``?q=``."""
    branches = Branch.objects.for_user(request.user).filter(parent__isnull=True)
    return picker_response(request, branches.order_by("name", "pk"), BRANCHES)
