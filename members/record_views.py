"""Pages of a member's records: transfer, commitments, the public board, democratic appraisal."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branches.models import Branch
from branches.selectors import opens_keeping_committee
from committees.models import Committee
from committees.selectors import committee_seats
from core.dates import year_context, year_or_current
from core.pages import form_page
from core.qr import qr_svg
from core.scope import can_write, get_for_user, is_member_or_writer, writes_committee

from . import records, selectors
from .models import Commitment, Member, Rating
from .record_forms import AppraisalForm, CommitmentForm, CommitmentNoteForm, TransferForm


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
    form = CommitmentForm(
        request.POST or None, instance=commitment,
        committees=records.commitment_committees(member),
    )
    next_url = reverse("overview:my-commitments") if _is_self(request, member) else (
        member.get_absolute_url())
    return form_page(
        request, form,
        save=lambda f: records.commitment_save(commitment=f.instance, user=request.user),
        title=title,
        cancel_url=next_url,
        success_message=_("Commitment saved."),
        next_url=next_url,
    )


def _is_self(request, member) -> bool:
    return member.user_id is not None and member.user_id == request.user.pk


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request, pk):
    member = get_for_user(
        request.user, Member, pk=pk, queryset=Member.objects.select_related("committee")
    )
    return _commitment_page(
        request, Commitment(member=member),
        title=_("Commitment of %(name)s") % {"name": member.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_update(request, pk):
    commitment = get_for_user(
        request.user, Commitment, pk=pk,
        queryset=Commitment.objects.select_related("member", "member__committee"),
    )
    return _commitment_page(
        request, commitment,
        title=_("Commitment of %(name)s, %(year)s")
        % {"name": commitment.member.name, "year": commitment.year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_note_create(request, pk):
    """A dated note on how the commitment is kept: the member, or whoever may change their
    record or answers for the committee it is made to."""
    commitment = get_for_user(
        request.user, Commitment, pk=pk,
        queryset=Commitment.objects.select_related("member", "committee"),
    )
    if not (is_member_or_writer(request.user, commitment.member)
            or can_write(request.user, commitment)):
        raise PermissionDenied
    if _is_self(request, commitment.member):
        next_url = reverse("overview:my-commitments") + f"?year={commitment.year}"
    elif writes_committee(request.user, commitment.committee):
        next_url = (reverse("overview:committee-commitments", args=[commitment.committee_id])
                    + f"?year={commitment.year}")
    else:  # a branch secretary: the member's record
        next_url = commitment.member.get_absolute_url()
    return form_page(
        request, CommitmentNoteForm(request.POST or None),
        save=lambda f: records.commitment_note_add(
            commitment=commitment, text=f.cleaned_data["text"],
            on=f.cleaned_data["written_on"], user=request.user,
        ),
        title=_("A note on the commitment of %(name)s") % {"name": commitment.member.name},
        cancel_url=next_url,
        success_message=_("Note saved."),
        next_url=next_url,
        template="members/commitment_note_form.html", context={"commitment": commitment},
    )


def board(request, pk):
    """The committee's public board (挂牌公示): seats and public commitments, names only.

    Public, so nothing personal reaches the template: commitments come as plain values.
    """
    committee = get_object_or_404(Committee, pk=pk)
    today = timezone.localdate()
    year = year_or_current(request.GET.get("year"))
    seats = [s for s in committee_seats(committee) if s.term_end is None or s.term_end >= today]
    commitments = selectors.public_commitments(committee, year)
    url = request.build_absolute_uri(request.path)
    return render(
        request,
        "members/board.html",
        {
            "committee": committee,
            "seats": seats,
            "commitments": commitments,
            **year_context(year),
            "url": url,
            "qr_svg": qr_svg(url),
        },
    )


@login_required
def appraisal_summary(request, pk):
    branch = get_for_user(
        request.user, Branch, pk=pk,
        queryset=Branch.objects.select_related("committee").filter(parent__isnull=True),
    )  # appraisal (民主评议) is by the branch; a party group has none of its own
    year = year_or_current(request.GET.get("year"))
    members = selectors.branch_members(request.user, branch)
    rows, totals = selectors.appraisal_counts(branch, members, year)
    return render(
        request,
        "members/appraisal_summary.html",
        {
            "committee": branch.committee,
            "opens_committee": opens_keeping_committee(request.user, branch),
            "branch": branch,
            "year": year,
            "ratings": Rating.labels,
            "rows": rows,
            "totals": totals,
            "members": selectors.rated_members(members, year),
            "can_record": can_write(request.user, branch),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_record(request, pk):
    branch = get_for_user(
        request.user, Branch, write=True, pk=pk,
        queryset=Branch.objects.select_related("committee").filter(parent__isnull=True),
    )
    year = year_or_current(request.GET.get("year"))
    members = selectors.rated_members(
        selectors.branch_members(request.user, branch, write=True), year
    )
    form = AppraisalForm(request.POST or None, members=members, branch=branch)
    summary_url = f"{reverse('members:appraisal-summary', args=[branch.pk])}?year={year}"
    return form_page(
        request, form,
        save=lambda f: records.appraisals_save(branch=branch, year=year, changes=f.changes()),
        title=_("Democratic appraisal %(year)s: %(name)s") % {"year": year, "name": branch.name},
        cancel_url=summary_url,
        success_message=_("Appraisal saved."),
        next_url=summary_url,
    )
