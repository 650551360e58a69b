"""Writes for a member's records: transfers of membership, commitments, democratic appraisal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch
from committees.models import Committee
from core.dates import FIRST_YEAR, LAST_YEAR

from . import bell, checkins
from .models import Appraisal, Commitment, Member, Rating, Transfer


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


def commitment_save(*, commitment: Commitment) -> Commitment:
    """Create or update a commitment; one per member per year (a second one is refused)."""
    commitment.text = commitment.text.strip()
    commitment.progress = commitment.progress.strip()
    commitment.full_clean()
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError:
        # Two saves of the same member's year at the same moment.
        raise ValidationError(
            _("This member already has a commitment for that year.")
        ) from None
    return commitment


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
