"""Reads of members: whose record an account is, the members a committee holds, the
rosters' search and filters over a queryset already scoped by ``for_user``, a branch's
democratic appraisal and the public board's commitments."""

import re

import django_filters
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.forms import BootstrapForm
from core.links import pk_url
from core.scope import reads_every_member

from . import coverage
from .models import (
    Category,
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentCategory,
    CommitmentOutcome,
    CorrectionRequest,
    CorrectionStatus,
    Member,
    Rating,
    Status,
)
from .validators import mask_mobile

_LETTERS = re.compile(r"^[a-z]+$")


def member_of(user, *related) -> Member | None:
    """The account's own member record (with ``related`` loaded), None when it has none (a
    staff account). One query."""
    return Member.objects.select_related(*related).filter(user=user).first()


def own_member(user, *related) -> Member:
    """The account's own member record (with ``related`` loaded), or 404: a staff account
    has none, and a member's own page means nothing to it."""
    member = member_of(user, *related)
    if member is None:
        raise Http404("This account is not linked to a member.")
    return member


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
    # Coverage gaps (overview's coverage page links here): a committee's roster only.
    gap = django_filters.ChoiceFilter(
        label=_("Coverage gap"), method="filter_gap",
        choices=[(coverage.GAP_NOT_REACHED, _("Not reached")),
                 (coverage.GAP_IN_SERVICE, _("In-service, not checked in"))],
        empty_label=_("Any"),
    )

    class Meta:
        model = Member
        fields = ["q", "branch", "category", "status", "checked_in", "gap"]
        form = BootstrapForm  # written out in the template, without crispy

    def __init__(self, data=None, *, queryset, branches, committee=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.committee = committee
        if committee is None:
            del self.filters["gap"]
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

    def filter_gap(self, queryset, name, value):
        # The roster is of the members living in ``committee``: their gaps are its gaps.
        return coverage.gap(queryset, value)

    def filter_branch(self, queryset, name, value):
        # A party group's members are those placed in it; a branch's, its whole membership.
        if value.parent_id:
            return queryset.filter(party_group=value)
        return queryset.filter(branch=value)


def committee_branches(committee):
    """The branches a committee works with and their party groups (the roster's branch
    filter). No rule of its own: the caller has read ``committee`` with ``get_for_user``, and
    whoever reads a committee reads its structure (``core.scope._branch_rule``; a test holds
    the two together for every role). The rule's subqueries, compiled again, were a tenth of
    the roster's request (issue 16)."""
    branches = Branch.objects.of_committee(committee).values("pk")
    return Branch.objects.filter(Q(pk__in=branches) | Q(parent_id__in=branches)).order_by(
        "kind", "name"
    )


def committee_roster_filter(user, committee, data) -> RosterFilter:
    """The roster of one committee as ``user`` may see it, filtered by ``data`` (a GET)."""
    members = Member.objects.filter(committee=committee)
    if not reads_every_member(user, committee):
        members = members.for_user(user)
    return RosterFilter(
        data or None,
        queryset=members,
        branches=committee_branches(committee),
        committee=committee,
    )


def roster(queryset):
    """A roster's members in its order (by name), with their branch."""
    return queryset.select_related("branch").order_by("name", "pk")


def roster_values(queryset):
    """The values a roster row shows (its membership: the branch's name), in one query with
    the page: values rather than members, none of which is needed whole."""
    return queryset.order_by("name", "pk").values(
        "pk", "name", "category", "status", "mobile", "outside_organisation", "branch__name"
    )


def roster_rows(members) -> list[dict]:
    """Each roster row (``roster_values``) as the strings it shows: ``url``, ``name``,
    ``kind`` (category, and probationary where so), ``where`` (membership, masked mobile).
    Plain dicts: the template reads a dict's key at once, where each of a model's attributes,
    properties and translated labels took it several tries (issue 16)."""
    url = pk_url("members:member-detail")
    categories = {value: str(label) for value, label in Category.choices}
    probationary = str(Status.PROBATIONARY.label)
    rows = []
    for m in members:
        kind = categories.get(m["category"], "")
        if m["status"] == Status.PROBATIONARY:
            kind = f"{kind} · {probationary}"
        where = m["branch__name"] or m["outside_organisation"]  # Member.membership
        if m["mobile"]:
            where = f"{where} · {mask_mobile(m['mobile'])}"
        rows.append({"url": url(m["pk"]), "name": m["name"], "kind": kind, "where": where})
    return rows


# --- democratic appraisal and the public board ----------------------------------------------

def branch_members(user, branch, *, write=False):
    """Members of the branch (its party groups' included) that the user may read (or
    change)."""
    return Member.objects.for_user(user, write=write).filter(branch=branch)


def _with_year(members, year):
    return members.annotate(
        this_year=FilteredRelation("appraisals", condition=Q(appraisals__year=year))
    )


def rated_members(members, year) -> list[Member]:
    """``members`` by branch and name, each with its ``rating`` of ``year`` (None when not
    rated) and that rating's label (``rating_label``). One query."""
    labels = dict(Rating.choices)
    rated = list(
        _with_year(members, year)
        .annotate(rating=F("this_year__rating"))
        .select_related("branch", "party_group")
        .order_by("party_group__name", "name", "pk")
    )
    for member in rated:
        member.rating_label = labels.get(member.rating, "")
    return rated


def appraisal_counts(branch, members, year):
    """Per unit (the branch's members in no group, then each party group): members per
    rating, not rated, total; and the totals. The branch appraises; groups only sort the
    rows. One aggregate query, plus one for the units."""
    counts = {
        row["party_group"] or branch.pk: row
        for row in _with_year(members, year)
        .order_by()
        .values("party_group")
        .annotate(
            total=Count("pk"),
            **{r: Count("pk", filter=Q(this_year__rating=r)) for r in Rating.values},
        )
    }
    units = sorted(
        Branch.objects.filter(Q(pk=branch.pk) | Q(parent=branch)),
        key=lambda b: (b.pk != branch.pk, b.name),
    )
    rows = []
    for unit in units:
        row = counts.get(unit.pk, {})
        per_rating = [row.get(r, 0) for r in Rating.values]
        total = row.get("total", 0)
        rows.append({"unit": unit, "counts": per_rating, "unrated": total - sum(per_rating),
                     "total": total})
    totals = {
        "counts": [sum(r["counts"][i] for r in rows) for i in range(len(Rating.values))],
        "unrated": sum(r["unrated"] for r in rows),
        "total": sum(r["total"] for r in rows),
    }
    return rows, totals


def public_commitments(committee, year) -> list[dict]:
    """The public commitments made to the committee for ``year``, as plain values (member's
    name, text, category, and the year-end outcome once reviewed) for the public board:
    nothing else personal. The committee's remark stays inside the portal: it is free text
    about a named person, written for the member and the committee, not for the street."""
    rows = list(
        Commitment.objects.filter(committee=committee, year=year, public=True)
        .order_by("member__name", "pk")
        .values("member__name", "text", "category", "outcome")
    )
    categories, outcomes = dict(CommitmentCategory.choices), dict(CommitmentOutcome.choices)
    for row in rows:
        row["category_label"] = categories.get(row["category"], "")
        row["outcome_label"] = outcomes.get(row["outcome"], "")
    return rows


def committee_corrections(user, committee, *, pending: bool):
    """The correction requests of the members ``committee`` holds that ``user`` may decide:
    waiting (oldest first) or decided (latest first)."""
    rows = CorrectionRequest.objects.for_user(user, write=True).filter(
        Q(member__committee=committee) | Q(member__branch__committee=committee)
    ).select_related("member", "member__branch")
    if pending:
        return rows.filter(status=CorrectionStatus.PENDING).order_by("created_at", "pk")
    return rows.exclude(status=CorrectionStatus.PENDING).order_by("-decided_at", "-pk")
