"""Writes for a member's records: transfers of membership, commitments, democratic appraisal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from committees.models import Committee
from core.dates import FIRST_YEAR, LAST_YEAR

from . import bell, checkins
from .models import (
    Appraisal,
    Commitment,
    CommitmentMeasure,
    CommitmentNote,
    CommitmentOutcome,
    Member,
    Rating,
    Transfer,
)


def member_transfer(
    *, member: Member, to_branch: Branch, on: datetime.date, reason: str, user
) -> Transfer:
    """Move the member's membership to ``to_branch`` and keep the move as history.

    The member row holds one branch, so a member is never on two branches; the row is locked
    while it changes. A refusal raises ValidationError and writes nothing.
    """
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the membership is transferred.")
    if on > timezone.localdate():
        errors["transferred_on"] = _("A transfer cannot be dated in the future.")
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.branch_id == to_branch.pk:
            errors["to_branch"] = _("The member is already in that branch.")
        elif to_branch.parent_id is not None:
            errors["to_branch"] = _(
                "A party group holds no membership: transfer to its branch, then choose the "
                "group on the member's record."
            )
        elif not Branch.objects.filter(
            pk=to_branch.pk,
            committee__district_id__in=Committee.objects.filter(
                pk=locked.committee_id
            ).values("district_id"),
        ).exists():
            errors["to_branch"] = _("Choose a branch of the member's district.")
        if errors:
            raise ValidationError(errors)
        transfer = Transfer(
            member=locked,
            from_branch_id=locked.branch_id,
            from_outside="" if locked.branch_id else locked.outside_organisation,
            to_branch=to_branch,
            transferred_on=on,
            reason=reason,
            recorded_by=user,
        )
        transfer.full_clean()
        transfer.save()
        locked.branch = to_branch
        locked.outside_organisation = ""
        locked.party_group = None  # the old branch's group; the new branch may place them
        locked.save(update_fields=["branch", "outside_organisation", "party_group", "updated_at"])
        checkins.end_where_membership_moved(member=locked, branch=to_branch)
        bell.tell_user(
            locked.user, key=f"transfer:{transfer.pk}",
            message=gettext_lazy("Your membership was transferred to %(branch)s on %(date)s."),
            params={"branch": to_branch.name, "date": on.isoformat()},
            url=locked.get_absolute_url(),
        )
    member.branch, member.outside_organisation, member.party_group = to_branch, "", None
    return transfer


def commitment_committees(member: Member):
    """The committees a member makes commitments to: where they live, then where they hold a
    seat today (a part-time committee member living elsewhere)."""
    today = timezone.localdate()
    seats = Committee.objects.filter(
        Q(seats__term_end__isnull=True) | Q(seats__term_end__gte=today),
        seats__member=member, seats__term_start__lte=today,
    ).exclude(pk=member.committee_id)
    return [member.committee, *seats.distinct().order_by("name")]


def _refuse_if_reviewed(commitment: Commitment) -> None:
    if commitment.pk is not None and Commitment.objects.filter(
        pk=commitment.pk, reviewed_at__isnull=False
    ).exists():
        raise ValidationError(_("This commitment has been reviewed: it can no longer change."))


def commitment_save(*, commitment: Commitment, user=None) -> Commitment:
    """Create or update a commitment (a member may make several a year). Once reviewed it no
    longer changes. A new one is made to a committee the member makes commitments to (it stays
    with it if they move)."""
    _refuse_if_reviewed(commitment)
    commitment.text = commitment.text.strip()
    if commitment.measure == CommitmentMeasure.MATTER:
        commitment.target = None
    elif not commitment.target:
        raise ValidationError(
            {"target": _("Say how many activities or hours you commit to.")}
        )
    if commitment.pk is None and commitment.committee_id not in {
        c.pk for c in commitment_committees(commitment.member)
    }:
        raise ValidationError(
            {"committee": _("Choose the committee where the member lives or holds a seat.")}
        )
    commitment.full_clean()
    commitment.save()
    return commitment


def commitment_note_add(
    *, commitment: Commitment, text: str, on: datetime.date, user
) -> CommitmentNote:
    """A dated note on the commitment, by the member (their own) or the committee's side.
    Not in the future, not outside the commitment's year, not once it is reviewed."""
    _refuse_if_reviewed(commitment)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write what was done.")
    if on > timezone.localdate():
        errors["written_on"] = _("A note cannot be dated in the future.")
    elif on.year != commitment.year:
        errors["written_on"] = _("Date the note within %(year)s, the commitment's year.") % {
            "year": commitment.year}
    if errors:
        raise ValidationError(errors)
    note = CommitmentNote(
        commitment=commitment, text=text, written_on=on, author=user,
        by_secretary=commitment.member.user_id != getattr(user, "pk", None),
    )
    note.full_clean()
    note.save()
    return note


def commitment_review(*, commitment: Commitment, outcome: str, remark: str, user) -> Commitment:
    """The committee's year-end review: kept, partly kept or not kept, with a remark. Opens on
    ``Commitment.review_opens(year)`` (December 1); a review may be changed later (it is
    audited). A commitment not kept needs a remark saying why."""
    remark = (remark or "").strip()
    opens = Commitment.review_opens(commitment.year)
    if timezone.localdate() < opens:
        raise ValidationError(
            _("The review of %(year)s opens on %(date)s.")
            % {"year": commitment.year, "date": opens.isoformat()}
        )
    if outcome not in CommitmentOutcome.values:
        raise ValidationError({"outcome": _("Choose kept, partly kept or not kept.")})
    if outcome != CommitmentOutcome.KEPT and not remark:
        raise ValidationError({"review_remark": _("Say what was not kept.")})
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        locked.outcome, locked.review_remark = outcome, remark
        locked.reviewed_by, locked.reviewed_at = user, timezone.now()
        locked.full_clean()
        locked.save(update_fields=["outcome", "review_remark", "reviewed_by", "reviewed_at"])
    return locked


@transaction.atomic
def appraisals_save(*, branch: Branch, year: int, changes) -> None:
    """Record the ratings that changed on the branch's appraisal form (``changes``: pairs of
    member and rating, empty to remove one), all or none."""
    for member, rating in changes:
        appraisal_set(member=member, branch=branch, year=year, rating=rating)


def appraisal_set(*, member: Member, branch: Branch, year: int, rating: str) -> Appraisal | None:
    """Record (or change) the member's rating for the year; an empty rating removes it."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("Choose a year between 2000 and 2100."))
    if not rating:
        Appraisal.objects.filter(member=member, year=year).delete()
        return None
    if rating not in Rating.values:
        raise ValidationError(_("Choose one of the ratings."))
    appraisal, _created = Appraisal.objects.update_or_create(
        member=member, year=year, defaults={"branch": branch, "rating": rating}
    )
    return appraisal
