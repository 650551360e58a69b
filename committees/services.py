"""Writes for committees, seats and venues. Keyword-only, validated, then saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Committee, Seat, Venue

COMMITTEE_FIELDS = ("name", "street", "address", "established")


def committee_save(*, committee: Committee) -> Committee:
    """Create or update a committee after validating it as a whole (constraints included)."""
    committee.full_clean()
    committee.save()
    return committee


def committee_delete_blockers(*, committee: Committee) -> list[str]:
    """Reasons the committee cannot be deleted: it would orphan its members or branches."""
    blockers = []
    branches = committee.branches.count()
    members = committee.members.count()
    if branches:
        blockers.append(
            ngettext(
                "it still has %(n)d branch or party group",
                "it still has %(n)d branches and party groups",
                branches,
            ) % {"n": branches}
        )
    if members:
        blockers.append(
            ngettext("it still manages %(n)d member", "it still manages %(n)d members", members)
            % {"n": members}
        )
    return blockers


@transaction.atomic
def committee_delete(*, committee: Committee) -> None:
    blockers = committee_delete_blockers(committee=committee)
    if blockers:
        raise ValidationError(
            _("%(name)s cannot be deleted: %(reasons)s. Move or delete them first.")
            % {"name": committee.name, "reasons": _("; ").join(blockers)}
        )
    committee.delete()  # its seats and venues go with it


def seat_save(*, seat: Seat) -> Seat:
    seat.full_clean()
    seat.save()
    return seat


def seat_delete(*, seat: Seat) -> None:
    seat.delete()


def venue_save(*, venue: Venue) -> Venue:
    venue.full_clean()
    venue.save()
    return venue


def venue_delete(*, venue: Venue) -> None:
    venue.delete()
