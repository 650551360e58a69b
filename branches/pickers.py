"""The branch picker's source and its search (core/pickers.py): branches by name, with their
committee and kind."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from committees.models import Committee
from core.pickers import (
    Source,
    committee_and_kind,
    id_param,
    picker_response,
    prepare_committee,
    register,
)
from core.scope import get_for_user

from .models import Branch
from .selectors import joinable_organisations

BRANCHES = register("branches", Source(
    url_name="branches:pick", describe=committee_and_kind, prepare=prepare_committee,
))


@login_required
@require_GET
def branch_choices(request):
    """The branches (not party groups) this user may read, by ``?q=``. With
    ``?committee=<id>``: those the committee works with (``Branch.objects.of_committee``);
    with ``&joinable=1`` instead, the district's units' organisations that may join it as
    member organisations (for whoever may change the committee)."""
    branches = Branch.objects.for_user(request.user).filter(parent__isnull=True)
    if (committee_id := id_param(request, "committee")) is not None:
        committee = get_for_user(
            request.user, Committee, write=bool(request.GET.get("joinable")), pk=committee_id
        )
        if request.GET.get("joinable"):
            branches = joinable_organisations(committee)
        else:
            branches = branches.filter(pk__in=Branch.objects.of_committee(committee))
    return picker_response(request, branches.order_by("name", "pk"), BRANCHES)
