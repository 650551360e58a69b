"""Writes for branches and party groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Branch


def branch_save(*, branch: Branch) -> Branch:
    """Create or update a branch. A party group takes its parent's committee and kind."""
    if branch.parent_id is not None:
        branch.committee_id = branch.parent.committee_id
        branch.kind = branch.parent.kind
    if branch.kind != "unit":
        branch.unit = None
    branch.full_clean()
    with transaction.atomic():
        branch.save()
        # A party group always has its parent's kind.
        branch.groups.exclude(kind=branch.kind).update(kind=branch.kind)
    return branch


def branch_delete_blockers(*, branch: Branch) -> list[str]:
    """Reasons the branch cannot be deleted: it would orphan members or party groups."""
    blockers = []
    groups = branch.groups.count()
    members = branch.members.count()
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
