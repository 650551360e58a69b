"""The member picker's source and its search (core/pickers.py): a committee's members by name,
pinyin initials or the mobile's last four digits, each shown with what tells two 王建国 apart
(membership, masked mobile, category). Never the ID number."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from committees.models import Committee
from core.pickers import Source, picker_response, register
from core.scope import get_for_user

from .in_service import checked_in_members
from .models import Member
from .selectors import member_search


def _describe(member) -> tuple[str, str]:
    parts = [member.membership, member.masked_mobile, member.get_category_display()]
    return member.name, " · ".join(p for p in parts if p)


def _prepare(queryset):
    return queryset.select_related("branch").only(
        "pk", "name", "mobile", "category", "outside_organisation", "branch_id", "branch__name",
    )


def _search(queryset, text: str):
    """The roster's search, but a number only as the mobile's last four digits: the search
    travels in the URL (``?q=``), where a full mobile must not go."""
    digits = (text or "").strip().replace(" ", "")
    if digits.isdigit() and len(digits) != 4:
        return queryset.none()
    return member_search(queryset, text)


MEMBERS = register("members", Source(
    url_name="members:pick",
    search=_search,
    describe=_describe,
    prepare=_prepare,
    placeholder=_("Name, pinyin initials (e.g. wjg) or the mobile's last four digits"),
))


@login_required
@require_GET
def member_choices(request, pk):
    """The committee's members this user may read, matching ``?q=`` (outsiders: 404);
    ``?only=checked_in``: the in-service members checked in to it (a group's leaders)."""
    committee = get_for_user(request.user, Committee, pk=pk)
    members = Member.objects.for_user(request.user)
    if request.GET.get("only") == "checked_in":
        members = members.filter(pk__in=checked_in_members(committee).values("pk"))
    else:
        members = members.filter(Q(committee=committee) | Q(branch__committee=committee))
    return picker_response(request, members.order_by("name", "pk"), MEMBERS)
