"""Reads of members: whose record an account is, the members a committee holds, and the
rosters' search and filters over a queryset already scoped by ``for_user``."""

import re

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch

from .models import Category, CheckIn, CheckInStatus, Member, Status

_LETTERS = re.compile(r"^[a-z]+$")


def member_of(user, *related) -> Member | None:
    """The account's own member record (with ``related`` loaded), None when it has none (a
    staff account). One query."""
    return Member.objects.select_related(*related).filter(user=user).first()


def committee_members(committee):
    """Members a committee holds, by name: those it manages and those whose membership is in
    one of its branches (whom a team, a matter or a seat of the committee may name)."""
    return Member.objects.filter(
        Q(committee=committee) | Q(branch__committee=committee)
    ).order_by("name", "pk")


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
        label=_("Party status"), choices=Status.choices,
        empty_label=_("Full and probationary"),
    )
    checked_in = django_filters.ChoiceFilter(
        label=_("Check-in"), method="filter_checked_in",
        choices=[("yes", _("Checked in here")), ("no", _("Not checked in"))],
        empty_label=_("Checked in or not"),
    )

    class Meta:
        model = Member
        fields = ["q", "branch", "category", "status", "checked_in"]

    def __init__(self, data=None, *, queryset, branches, committee=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.committee = committee
        self.filters["branch"].queryset = branches
        self.form.fields["branch"].queryset = branches

    def filter_q(self, queryset, name, value):
        return member_search(queryset, value)

    def filter_checked_in(self, queryset, name, value):
        confirmed = CheckIn.objects.filter(member=OuterRef("pk"), status=CheckInStatus.CONFIRMED)
        if self.committee is not None:
            confirmed = confirmed.filter(committee=self.committee)
        return queryset.filter(Exists(confirmed)) if value == "yes" else queryset.exclude(
            Exists(confirmed)
        )

    def filter_branch(self, queryset, name, value):
        return queryset.filter(Q(branch=value) | Q(branch__parent=value))


def committee_roster_filter(user, committee, data) -> RosterFilter:
    """The roster of one committee as ``user`` may see it, filtered by ``data`` (a GET)."""
    return RosterFilter(
        data or None,
        queryset=Member.objects.for_user(user).filter(committee=committee),
        branches=Branch.objects.for_user(user).filter(committee=committee).order_by(
            "kind", "name"
        ),
        committee=committee,
    )


def roster(queryset):
    """What a roster row shows, in one query with the page."""
    return queryset.select_related("branch").order_by("name", "pk")
