"""Commitments kept (承诺践诺): the member's own commitments with their notes and what the
records show; the committee's list with each commitment's evidence; the year-end review."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Committee
from core.dates import year_context, year_or_current
from core.pages import form_page, paginate
from core.scope import get_for_user, scope_of, writes_committee
from members import records
from members.models import Commitment, Member
from members.record_forms import CommitmentReviewForm

from . import commitments


@login_required
@require_GET
def my_commitments(request):
    """The member's own commitments of a year (phone first): each with its notes, what the
    records show, and the year-end outcome once reviewed. Only a member has one (else 404)."""
    member_id = scope_of(request.user).member_id
    if member_id is None:
        raise Http404("No member record.")
    member = Member.objects.select_related("committee").get(pk=member_id)
    year = year_or_current(request.GET.get("year"), ahead=1)
    rows = commitments.fulfilments(
        Commitment.objects.filter(member=member, year=year)
        .select_related("committee").prefetch_related("notes"),
        year,
    )
    return render(request, "overview/my_commitments.html", {
        "member": member, "rows": rows,
        "can_add": year >= timezone.localdate().year,
        **year_context(year, ahead=1),
    })


@login_required
@require_GET
def committee_commitments(request, pk):
    """The commitments made to the committee for a year, for its side: each with its figures
    from the records, its notes and its review (open from ``Commitment.review_opens``)."""
    committee = get_for_user(
        request.user, Committee, pk=pk, write=True,
        queryset=Committee.objects.select_related("district"),
    )
    year = year_or_current(request.GET.get("year"))
    page = paginate(request, commitments.committee_commitments(request.user, committee, year))
    return render(request, "overview/commitment_list.html", {
        "committee": committee, "page": page,
        "rows": commitments.fulfilments(page.object_list, year),
        "review_open": timezone.localdate() >= Commitment.review_opens(year),
        "review_opens": Commitment.review_opens(year),
        **year_context(year),
    })


@login_required
@require_http_methods(["GET", "POST"])
def commitment_review(request, pk):
    """The committee's year-end review of one commitment: kept, partly kept, not kept."""
    commitment = get_for_user(
        request.user, Commitment, pk=pk,
        queryset=Commitment.objects.select_related("member", "committee")
        .prefetch_related("notes"),
    )
    if not writes_committee(request.user, commitment.committee):
        raise PermissionDenied
    list_url = (reverse("overview:committee-commitments", args=[commitment.committee_id])
                + f"?year={commitment.year}")
    row = commitments.fulfilments([commitment], commitment.year)[0]
    return form_page(
        request, CommitmentReviewForm(request.POST or None, instance=commitment),
        save=lambda f: records.commitment_review(
            commitment=commitment, outcome=f.cleaned_data["outcome"],
            remark=f.cleaned_data["review_remark"], user=request.user,
        ),
        title=_("Year-end review: commitment of %(name)s, %(year)s")
        % {"name": commitment.member.name, "year": commitment.year},
        cancel_url=list_url,
        success_message=_("Review saved."),
        next_url=list_url,
        template="overview/commitment_review.html",
        context={"row": row, "committee": commitment.committee,
                 "review_open": timezone.localdate() >= Commitment.review_opens(commitment.year),
                 "review_opens": Commitment.review_opens(commitment.year)},
    )
