"""Pages of a member's records: transfer, commitments, the public board, democratic appraisal."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.models import Branch
from committees.models import Committee
from committees.selectors import committee_seats
from core.dates import year_or_current
from core.pages import form_page
from core.qr import qr_svg
from core.scope import can_write, get_for_user, is_member_or_writer

from . import records
from .models import Commitment, Member, Rating
from .record_forms import AppraisalForm, CommitmentForm, TransferForm


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request, pk):
    member = get_for_user(
        request.user, Member, write=True, pk=pk,
        queryset=Member.objects.select_related("committee", "branch"),
    )
    form = TransferForm(request.POST or None, user=request.user, member=member)
    return form_page(
        request, form,
        save=lambda f: records.member_transfer(
            member=member, to_branch=f.cleaned_data["to_branch"],
            on=f.cleaned_data["transferred_on"], reason=f.cleaned_data["reason"],
            user=request.user,
        ),
        title=_("Transfer the membership of %(name)s") % {"name": member.name},
        cancel_url=member.get_absolute_url(),
        success_message=_("Membership transferred."),
        next_url=member.get_absolute_url(),
    )


def _commitment_page(request, commitment, *, title):
    member = commitment.member
    if not is_member_or_writer(request.user, member):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, instance=commitment)
    return form_page(
        request, form,
        save=lambda f: records.commitment_save(commitment=f.instance),
        title=title,
        cancel_url=member.get_absolute_url(),
        success_message=_("Commitment saved."),
        next_url=member.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request, pk):
    member = get_for_user(request.user, Member, pk=pk)
    return _commitment_page(
        request, Commitment(member=member),
        title=_("Commitment of %(name)s") % {"name": member.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_update(request, pk):
    commitment = get_for_user(
        request.user, Commitment, pk=pk, queryset=Commitment.objects.select_related("member")
    )
    return _commitment_page(
        request, commitment,
        title=_("Commitment of %(name)s, %(year)s")
        % {"name": commitment.member.name, "year": commitment.year},
    )


def board(request, pk):
    """The committee's public board (挂牌公示): seats and public commitments, names only.

    Public, so nothing personal reaches the template: commitments come as plain values.
    """
    committee = get_object_or_404(Committee, pk=pk)
    today = timezone.localdate()
    seats = [s for s in committee_seats(committee) if s.term_end is None or s.term_end >= today]
    commitments = list(
        Commitment.objects.filter(member__committee=committee, year=today.year, public=True)
        .order_by("member__name", "pk")
        .values("member__name", "text", "progress")
    )
    url = request.build_absolute_uri(request.path)
    return render(
        request,
        "members/board.html",
        {
            "committee": committee,
            "seats": seats,
            "commitments": commitments,
            "year": today.year,
            "url": url,
            "qr_svg": qr_svg(url),
        },
    )


def _branch_members(user, branch, *, write=False):
    """Members of the branch and its party groups that the user may read (or change)."""
    return Member.objects.for_user(user, write=write).filter(
        Q(branch=branch) | Q(branch__parent=branch)
    )


def _with_year(members, year):
    return members.annotate(
        this_year=FilteredRelation("appraisals", condition=Q(appraisals__year=year))
    )


def _rated_members(members, year):
    return list(
        _with_year(members, year)
        .annotate(rating=F("this_year__rating"))
        .select_related("branch")
        .order_by("branch__name", "name", "pk")
    )


def _summary_rows(branch, members, year):
    """Per unit (the branch, then its groups): members per rating, not rated, total.
    One aggregate query, plus one for the units."""
    counts = {
        row["branch"]: row
        for row in _with_year(members, year)
        .order_by()
        .values("branch")
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


@login_required
def appraisal_summary(request, pk):
    branch = get_for_user(
        request.user, Branch, pk=pk, queryset=Branch.objects.select_related("committee")
    )
    year = year_or_current(request.GET.get("year"))
    members = _branch_members(request.user, branch)
    rows, totals = _summary_rows(branch, members, year)
    labels = dict(Rating.choices)
    rated = _rated_members(members, year)
    for member in rated:
        member.rating_label = labels.get(member.rating, "")
    return render(
        request,
        "members/appraisal_summary.html",
        {
            "committee": branch.committee,
            "branch": branch,
            "year": year,
            "ratings": Rating.labels,
            "rows": rows,
            "totals": totals,
            "members": rated,
            "can_record": can_write(request.user, branch),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_record(request, pk):
    branch = get_for_user(
        request.user, Branch, write=True, pk=pk,
        queryset=Branch.objects.select_related("committee"),
    )
    year = year_or_current(request.GET.get("year"))
    members = _rated_members(_branch_members(request.user, branch, write=True), year)
    before = {m.pk: m.rating or "" for m in members}
    form = AppraisalForm(request.POST or None, members=members, ratings=before)
    for member in members:
        if member.branch_id != branch.pk:
            form.fields[f"rating-{member.pk}"].label = f"{member.name} ({member.branch.name})"

    def save(f):
        with transaction.atomic():
            for member in members:
                rating = f.cleaned_data[f"rating-{member.pk}"]
                if rating != before[member.pk]:
                    records.appraisal_set(member=member, branch=branch, year=year, rating=rating)
        return branch

    summary_url = f"{reverse('members:appraisal-summary', args=[branch.pk])}?year={year}"
    return form_page(
        request, form,
        save=save,
        title=_("Democratic appraisal %(year)s: %(name)s") % {"year": year, "name": branch.name},
        cancel_url=summary_url,
        success_message=_("Appraisal saved."),
        next_url=summary_url,
    )
