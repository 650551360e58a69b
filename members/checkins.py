"""Check-in (报到): an in-service member asks to join the community where they live; the
committee's secretary confirms (the member is then counted with its in-service member group, and the
committee becomes their residence committee) or returns it with a reason."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CheckIn, CheckInStatus, EndReason, Member

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


def checkin_request(*, member: Member, committee) -> CheckIn:
    """Ask to check in. One active check-in per member: a second request is refused."""
    active = member.checkins.filter(status__in=[CheckInStatus.PENDING, CheckInStatus.CONFIRMED])
    if active.filter(committee=committee).exists():
        raise ValidationError(_("You have already checked in to %(name)s.") % {"name": committee})
    if active.filter(status=CheckInStatus.PENDING).exists():
        raise ValidationError(
            _("Your earlier check-in is still waiting for confirmation; withdraw it first.")
        )
    try:
        with transaction.atomic():
            # Moving house: the confirmed check-in elsewhere stays until the new one is
            # confirmed, but only one may be active, so it ends now with today's date.
            active.filter(status=CheckInStatus.CONFIRMED).update(
                status=CheckInStatus.ENDED, ended_on=timezone.localdate(),
                end_reason=EndReason.MOVED_AWAY,
            )
            return CheckIn.objects.create(member=member, committee=committee)
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
    return checkin

