"""Reads for rosters: search and filters over a queryset already scoped by ``for_user``."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch

from .models import Category, Member, Status

_LETTERS = re.compile(r"^[a-z]+$")


def member_search(queryset, text: str):
    """Name (any part), full pinyin or initials (prefix, e.g. ``zyf`` finds 郑优芳), or the
    last four digits of the mobile. ID numbers are never searched: they would end up in URLs."""
    text = (text or "").strip().lower().replace(" ", "")
    if not text:
        return queryset
    if text.isdigit():
        if len(text) == 4:
            return queryset.filter(mobile_tail=text)
        if len(text) == 11:
            return queryset.filter(mobile=text)
        return queryset.none()
    if _LETTERS.match(text):
        return queryset.filter(
            Q(name_initials__startswith=text) | Q(name_pinyin__startswith=text)
        )
    return queryset.filter(name__contains=text)


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q",
        help_text=_("Name, pinyin, initials (e.g. zyf) or the mobile's last four digits"),
    )
    branch = django_filters.ModelChoiceFilter(
        label=_("Branch"), queryset=Branch.objects.none(), method="filter_branch",
        empty_label=_("All branches"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("Full and probationary")
    )

    class Meta:
        model = Member
        fields = ["q", "branch", "category", "status"]

    def __init__(self, data=None, *, queryset, branches, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["branch"].queryset = branches
        self.form.fields["branch"].queryset = branches

    def filter_q(self, queryset, name, value):
        return member_search(queryset, value)

    def filter_branch(self, queryset, name, value):
        return queryset.filter(Q(branch=value) | Q(branch__parent=value))


def roster(queryset):
    """What a roster row shows, in one query with the page."""
    return queryset.select_related("branch").order_by("name", "pk")
