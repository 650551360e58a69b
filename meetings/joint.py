"""Joint party lectures and organisational life (社区党员和驻区单位党员共同上党课，一道过组织
生活): a committee holds a meeting of kind ``joint_lecture`` or ``joint_org_life`` and invites
branches (its residents' and retired cadres' branches, and the units' party organisations that
are its member organisations). Their members are expected at it. Each invited branch may adopt
it: then it counts toward the branch's own 三会一课, as its party lecture or organisational-life
meeting (``JOINT_COUNTS_AS``), when at least one of its members attended
(``compliance.held_counts``).

Writes are keyword-only services; a refusal raises ValidationError and writes nothing. Each
locks the meeting's row first, as the meeting services do.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from core.db import count_of, lock_row
from members.models import Member

from .compliance import PRESENT_STATUSES
from .models import (
    JOINT_COUNTS_AS,
    JointInvitation,
    Meeting,
    MeetingAttendance,
    MeetingAttendanceStatus,
    MeetingStatus,
)
from .services import BULK_BATCH, _seat_rows, set_actor


def is_joint(meeting) -> bool:
    return meeting.kind in JOINT_COUNTS_AS


def invitable_branches(committee):
    """The branches a committee may invite: its own top-level branches and its member
    organisations today (``Branch.objects.of_committee``)."""
    return Branch.objects.of_committee(committee).order_by("kind", "name")


@transaction.atomic
def joint_invite(*, meeting: Meeting, branches: Iterable[Branch], user) -> Meeting:
    """Set the branches invited to a joint meeting: new ones get an invitation and their
    members an expected-attendance row each; branches no longer chosen lose their invitation
    and the rows of their members not yet recorded. A branch that adopted the meeting stays
    invited (its secretary decided: refused); after sign-off nothing changes."""
    meeting = lock_row(meeting)
    if not is_joint(meeting):
        raise ValidationError(
            _("Only a joint party lecture or joint organisational life invites branches."))
    if meeting.status == MeetingStatus.SIGNED_OFF:
        raise ValidationError(
            _("The minutes are signed off: the invited branches can no longer be changed."))
    chosen = {b.pk: b for b in branches}
    allowed = set(invitable_branches(meeting.committee).values_list("pk", flat=True))
    if set(chosen) - allowed:
        raise ValidationError({"branches": _(
            "Choose branches of %(name)s or its member organisations."
        ) % {"name": meeting.committee.name}})
    existing = {i.branch_id: i for i in JointInvitation.objects.filter(meeting=meeting)
                .select_related("branch")}
    dropped = [i for branch_id, i in existing.items() if branch_id not in chosen]
    adopted = [i.branch.name for i in dropped if i.adopted]
    if adopted:
        raise ValidationError({"branches": _(
            "%(names)s adopted this meeting and stays invited."
        ) % {"names": "、".join(adopted)}})
    added = [pk for pk in chosen if pk not in existing]
    with set_actor(user):
        for invitation in dropped:
            invitation.delete()  # one by one: each is in the audit log
        for pk in added:
            JointInvitation.objects.create(meeting=meeting, branch_id=pk)
        if dropped:
            seated = {r.member_id for r in _seat_rows(meeting) if r.member_id}
            (MeetingAttendance.objects
             .filter(meeting=meeting, status=MeetingAttendanceStatus.EXPECTED,
                     member__branch_id__in=[i.branch_id for i in dropped])
             .exclude(member_id__in=seated)
             .exclude(member__branch_id__in=list(chosen))
             .delete())
        if added:
            have = set(MeetingAttendance.objects.filter(meeting=meeting, member__isnull=False)
                       .values_list("member_id", flat=True))
            MeetingAttendance.objects.bulk_create(
                [MeetingAttendance(meeting=meeting, member_id=pk, name=name[:50])
                 for pk, name in Member.objects.filter(branch_id__in=added)
                 .order_by("name", "pk").values_list("pk", "name") if pk not in have],
                batch_size=BULK_BATCH,
            )
    return meeting


@transaction.atomic
def joint_adopt(*, invitation: JointInvitation, user) -> JointInvitation:
    """The invited branch adopts the joint meeting as its party lecture or organisational
    life (by whom and when are kept)."""
    invitation = lock_row(invitation)
    if invitation.adopted:
        raise ValidationError(_("The branch has already adopted this meeting."))
    invitation.adopted_at = timezone.now()
    invitation.adopted_by = user
    with set_actor(user):
        invitation.save(update_fields=["adopted_at", "adopted_by"])
    return invitation


# --- reads -----------------------------------------------------------------------------------

def meeting_invitations(meeting) -> list[JointInvitation]:
    """The branches invited to a joint meeting, with whether each adopted it and how many of
    its members attended (``attended``; one query)."""
    return list(
        JointInvitation.objects.filter(meeting=meeting)
        .select_related("branch")
        .annotate(attended=count_of(MeetingAttendance.objects.filter(
            meeting_id=OuterRef("meeting_id"), member__branch_id=OuterRef("branch_id"),
            status__in=PRESENT_STATUSES,
        )))
        .order_by("branch__kind", "branch__name")
    )


def branch_invitations(branch):
    """A branch's invitations to joint meetings, the latest first, with their meeting and its
    committee (for a paginated list: one query a page)."""
    return (
        JointInvitation.objects.filter(branch=branch)
        .select_related("meeting__committee")
        .order_by("-meeting__starts_at", "-pk")
    )


def counts_as_label(meeting) -> str:
    kind = JOINT_COUNTS_AS.get(meeting.kind)
    return kind.label if kind else ""
