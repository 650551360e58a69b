"""Writes for branches and party groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Branch, CommitteeMembership


def branch_save(*, branch: Branch) -> Branch:
    """Create or update a branch. A party group takes its parent's committee and kind, and has
    no term. A unit's party organisation, when created, is a member organisation of the
    committee that registers it from its founding (or today)."""
    created = branch.pk is None
    if branch.parent_id is not None:
        branch.committee_id = branch.parent.committee_id
        branch.kind = branch.parent.kind
        branch.term_start = branch.term_end = None
        branch.unit = None
    if branch.kind != "unit":
        branch.unit = None
    branch.full_clean()
    with transaction.atomic():
        branch.save()
        # A party group always has its parent's kind.
        branch.groups.exclude(kind=branch.kind).update(kind=branch.kind)
        if created and branch.kind == "unit" and branch.parent_id is None:
            CommitteeMembership.objects.create(
                committee_id=branch.committee_id, branch=branch,
                joined_on=branch.founded or timezone.localdate(),
            )
    return branch


def membership_add(*, membership: CommitteeMembership) -> CommitteeMembership:
    """A unit's party organisation joins a committee as a member organisation."""
    if membership.branch.kind != "unit" or membership.branch.parent_id is not None:
        raise ValidationError(
            {"branch": _(
                "Only a resident unit's party organisation joins as a member organisation."
            )}
        )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_end(*, membership: CommitteeMembership, left_on) -> CommitteeMembership:
    """The organisation stops being a member organisation of the committee (history kept)."""
    membership = CommitteeMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("This organisation has already left the committee."))
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("It cannot leave before it joined.")})
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


def branch_delete_blockers(*, branch: Branch) -> list[str]:
    """Reasons the branch cannot be deleted: it would orphan members or party groups."""
    blockers = []
    groups = branch.groups.count()
    members = branch.members.count()
    if branch.kind == "unit" and branch.parent_id is None:
        others = branch.memberships.filter(CommitteeMembership.current_q()).exclude(
            committee_id=branch.committee_id
        ).count()
        if others:
            blockers.append(
                ngettext(
                    "it is a member organisation of %(n)d other committee",
                    "it is a member organisation of %(n)d other committees", others,
                ) % {"n": others}
            )
    if groups:
        blockers.append(
            ngettext("it still has %(n)d party group", "it still has %(n)d party groups", groups)
            % {"n": groups}
        )
    if members:
        blockers.append(
            ngettext(
                "%(n)d member holds their membership there",
                "%(n)d members hold their membership there",
                members,
            ) % {"n": members}
        )
    return blockers


@transaction.atomic
def branch_delete(*, branch: Branch) -> None:
    blockers = branch_delete_blockers(branch=branch)
    if blockers:
        raise ValidationError(
            _("%(name)s cannot be deleted: %(reasons)s. Move or delete them first.")
            % {"name": branch.name, "reasons": _("; ").join(blockers)}
        )
    branch.delete()
