"""Check-in (报到): an in-service member asks to join the community where they live; the
committee's secretary confirms (the member is then counted with its in-service members, and the
committee becomes their residence committee) or returns it with a reason. The member may
withdraw a check-in still waiting; the committee ends a confirmed one with a reason (moved away,
left the Party, ...). Every step keeps the row, so the history stays with its dates.

Only a member whose membership (组织关系) is not in a branch of that committee checks in there:
a resident whose branch is the community's already belongs to it. A resident unit's party
organisation is not the committee's own (a member organisation, not owned), so its members
check in where they live like any in-service member."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import OWN_KINDS

from . import bell
from .models import ACTIVE_CHECKIN, CheckIn, CheckInStatus, EndReason, InServiceGroup, Member

POSTER_SALT = "members.checkin-poster"


def poster_token(committee) -> str:
    """The signed token in a committee's check-in QR poster: the committee's id, nothing
    personal. Printed posters hang for years, so it does not expire; a new SECRET_KEY voids
    it (print the poster again)."""
    return signing.dumps(committee.pk, salt=POSTER_SALT, compress=False)


def committee_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=POSTER_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def belongs_to_committee(member: Member, committee) -> bool:
    """Whether the member's membership is in one of the committee's own branches (not a resident
    unit's party organisation, which the committee does not own)."""
    branch = member.branch
    return (
        branch is not None and branch.committee_id == committee.pk
        and branch.kind in OWN_KINDS
    )


def checkin_request(*, member: Member, committee) -> CheckIn:
    """Ask to check in. Refused, with nothing written, when the member's branch is one of the
    committee's own, and while another check-in waits. One active check-in per member: a
    confirmed one elsewhere ends (moved away) when the new one is asked."""
    if belongs_to_committee(member, committee):
        raise ValidationError(
            _("Your membership is held by %(branch)s, a branch of %(name)s: you belong to this "
              "community already and do not check in here.")
            % {"branch": member.branch.name, "name": committee.name}
        )
    active = member.checkins.filter(status__in=[CheckInStatus.PENDING, CheckInStatus.CONFIRMED])
    if active.filter(committee=committee).exists():
        raise ValidationError(_("You have already checked in to %(name)s.") % {"name": committee})
    waiting = active.filter(status=CheckInStatus.PENDING).select_related("committee").first()
    if waiting is not None:
        raise ValidationError(
            _("Your check-in to %(name)s is still waiting for confirmation. To check in "
              "elsewhere, withdraw it first on My page.") % {"name": waiting.committee.name}
        )
    try:
        with transaction.atomic():
            # Moving house: the confirmed check-in elsewhere stays until the new one is
            # confirmed, but only one may be active, so it ends now with today's date.
            for old in active.filter(status=CheckInStatus.CONFIRMED).select_for_update():
                _end(old, EndReason.MOVED_AWAY)
            checkin = CheckIn.objects.create(member=member, committee=committee)
            bell.tell_committee_side(
                committee.pk, key=f"checkin:{checkin.pk}:requested",
                message=gettext_lazy("%(name)s asks to check in to %(committee)s: confirm or "
                                     "return it."),
                params={"name": member.name, "committee": committee.name},
                url=reverse("members:checkin-queue", args=[committee.pk]),
            )
            return checkin
    except IntegrityError:
        raise ValidationError(_("This member already has an active check-in.")) from None


@transaction.atomic
def checkin_confirm(*, checkin: CheckIn, user) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.status != CheckInStatus.PENDING:
        raise ValidationError(_("Only a check-in waiting for confirmation can be confirmed."))
    checkin.status = CheckInStatus.CONFIRMED
    checkin.decided_at = timezone.now()
    checkin.decided_by = user
    checkin.started_on = timezone.localdate()
    checkin.save(update_fields=["status", "decided_at", "decided_by", "started_on"])
    member = checkin.member
    member.committee_id = checkin.committee_id  # where they live
    member.save(update_fields=["committee", "updated_at"])
    bell.tell_user(
        member.user, key=f"checkin:{checkin.pk}:confirmed",
        message=gettext_lazy("%(committee)s confirmed your check-in."),
        params={"committee": checkin.committee.name}, url=reverse("members:me"),
    )
    return checkin


@transaction.atomic
def checkin_return(*, checkin: CheckIn, user, reason: str) -> CheckIn:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the check-in is returned.")})
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.status != CheckInStatus.PENDING:
        raise ValidationError(_("Only a check-in waiting for confirmation can be returned."))
    checkin.status = CheckInStatus.RETURNED
    checkin.return_reason = reason[:200]
    checkin.decided_at = timezone.now()
    checkin.decided_by = user
    checkin.save(update_fields=["status", "return_reason", "decided_at", "decided_by"])
    bell.tell_user(
        checkin.member.user, key=f"checkin:{checkin.pk}:returned",
        message=gettext_lazy("%(committee)s returned your check-in: %(reason)s"),
        params={"committee": checkin.committee.name, "reason": checkin.return_reason},
        url=reverse("members:me"),
    )
    return checkin


@transaction.atomic
def checkin_withdraw(*, checkin: CheckIn, member: Member) -> CheckIn:
    """The member takes back their own check-in while it waits for confirmation."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.member_id != member.pk:
        raise ValidationError(_("Only your own check-in can be withdrawn."))
    if checkin.status != CheckInStatus.PENDING:
        raise ValidationError(_("Only a check-in waiting for confirmation can be withdrawn."))
    checkin.status = CheckInStatus.WITHDRAWN
    checkin.decided_at = timezone.now()
    checkin.decided_by_id = member.user_id
    checkin.save(update_fields=["status", "decided_at", "decided_by"])
    return checkin


@transaction.atomic
def checkin_end(*, checkin: CheckIn, user, reason: str, note: str = "") -> CheckIn:
    """The committee ends a confirmed check-in, today, with a reason (and a note, which
    "other" needs). The member leaves the in-service members and any group they led there."""
    reason, note = (reason or "").strip(), (note or "").strip()
    errors = {}
    if reason not in EndReason.values:
        errors["reason"] = _("Say why the check-in ends.")
    elif reason == EndReason.OTHER and not note:
        errors["note"] = _("Say in the note why the check-in ends.")
    if errors:
        raise ValidationError(errors)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.status != CheckInStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed check-in can be ended."))
    _end(checkin, reason, note)
    return checkin


def _end(checkin: CheckIn, reason: str, note: str = "") -> None:
    checkin.status = CheckInStatus.ENDED
    checkin.ended_on = timezone.localdate()
    checkin.end_reason = reason
    checkin.end_note = note[:200]
    checkin.save(update_fields=["status", "ended_on", "end_reason", "end_note"])
    # A group's leader is one of its committee's checked-in members.
    InServiceGroup.objects.filter(
        committee_id=checkin.committee_id, leader_id=checkin.member_id
    ).update(leader=None)


def end_where_membership_moved(*, member: Member, branch) -> int:
    """After a transfer into ``branch``: a check-in to the community that owns that branch
    ends (confirmed: "membership moved into a branch of the community"; still waiting:
    withdrawn), since a member of one of its branches does not check in there. A unit's party
    organisation is not owned by a committee: nothing ends. Returns how many ended."""
    if branch.kind not in OWN_KINDS:
        return 0
    ended = 0
    for checkin in CheckIn.objects.select_for_update().filter(
        member=member, committee_id=branch.committee_id, status__in=ACTIVE_CHECKIN
    ):
        if checkin.status == CheckInStatus.CONFIRMED:
            _end(checkin, EndReason.MEMBERSHIP_MOVED)
        else:
            checkin.status = CheckInStatus.WITHDRAWN
            checkin.decided_at = timezone.now()
            checkin.save(update_fields=["status", "decided_at"])
        ended += 1
    return ended
