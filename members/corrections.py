"""A member asks to correct their record; whoever may edit the member accepts or refuses it.

Accepting a correction of a plain detail (name, ID number, mobile, address, ethnicity, the two
dates) writes the proposed value to the record through ``services.member_save``, so it is
validated as an edit is and logged in the record's history; a value the record no longer
accepts leaves the request waiting with the reason. The employer, the membership (a transfer)
and "something else" are changed by the secretary on the member's pages: accepting them says
that was done. Refusing needs a reason. The member hears of either in the bell; the
committee's side hears when a member asks.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_reveal
from core.scope import can_see_full_id_number

from . import bell
from .models import (
    APPLIED_FIELDS,
    MASKED_FIELDS,
    CorrectionField,
    CorrectionRequest,
    CorrectionStatus,
    Member,
)
from .names import validate_name
from .services import member_save
from .validators import validate_id_number, validate_mobile

DATE_FIELDS = {CorrectionField.JOINED_ON, CorrectionField.FULL_MEMBER_ON}


def current_value(member: Member, field: str) -> str:
    """What the record says of ``field``, as the request keeps it (masked where sensitive)."""
    if field == CorrectionField.EMPLOYER:
        return member.employer or ""
    if field == CorrectionField.MEMBERSHIP:
        return member.membership or ""
    if field == CorrectionField.OTHER:
        return ""
    value = getattr(member, field) or ""
    if isinstance(value, date):
        return value.isoformat()
    mask = MASKED_FIELDS.get(field)
    return mask(value) if mask else str(value)


def proposed_shown(correction: CorrectionRequest, user, *, reveal: bool = False) -> str:
    """The proposed value as ``user`` may see it. A proposed ID number is masked, as the
    member's own is, to all but those who see the member's full ID number; to them it is shown
    in full only where ``reveal`` (the page that decides it), and that is written to the audit
    log as a reveal is (``core.audit.record_reveal``)."""
    value = correction.proposed_value
    if (correction.field != CorrectionField.ID_NUMBER or not value
            or correction.status != CorrectionStatus.PENDING):
        return value  # a decided request keeps it masked already
    if reveal and can_see_full_id_number(user, correction.member):
        record_reveal(user=user, obj=correction.member)
        return value
    return MASKED_FIELDS[CorrectionField.ID_NUMBER](value)


def _label(field: str) -> str:
    return str(CorrectionField(field).label)


def _clean_value(field: str, value: str):
    """The proposed value as the record would hold it; raises ValidationError naming the
    field."""
    try:
        if field == CorrectionField.NAME:
            return validate_name(value)
        if field == CorrectionField.ID_NUMBER:
            return validate_id_number(value)
        if field == CorrectionField.MOBILE:
            return validate_mobile(value)
        if field in DATE_FIELDS:
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValidationError(_("Enter a date as 2024-07-01.")) from None
        limit = Member._meta.get_field(field).max_length
        if len(value) > limit:
            raise ValidationError(_("At most %(n)s characters.") % {"n": limit})
    except ValidationError as exc:
        raise ValidationError({"proposed_value": [
            _("%(field)s: %(error)s") % {"field": _label(field), "error": message}
            for message in exc.messages
        ]}) from None
    return value


def correction_request(*, member: Member, user, field: str, proposed_value: str = "",
                       note: str = "") -> CorrectionRequest:
    """The member (``user`` is their account; the view checks) asks to correct ``field``."""
    proposed_value, note = (proposed_value or "").strip(), (note or "").strip()
    if field not in CorrectionField.values:
        raise ValidationError({"field": _("Choose what is wrong.")})
    if field in APPLIED_FIELDS:
        if not proposed_value:
            raise ValidationError({"proposed_value": _(
                "%(field)s: write the right value.") % {"field": _label(field)}})
        cleaned = _clean_value(field, proposed_value)
        if cleaned == getattr(member, field):
            raise ValidationError({"proposed_value": _(
                "%(field)s: your record already says this.") % {"field": _label(field)}})
    elif not (proposed_value or note):
        raise ValidationError({"note": _("Say what is wrong and what is right.")})
    if CorrectionRequest.objects.filter(
            member=member, field=field, status=CorrectionStatus.PENDING).exists():
        raise ValidationError({"field": _(
            "A correction of this is already waiting for the secretary.")})
    correction = CorrectionRequest(
        member=member, requested_by=user, field=field,
        current_value=current_value(member, field), proposed_value=proposed_value, note=note,
    )
    correction.full_clean()
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:  # the same field asked twice at once
        raise ValidationError({"field": _(
            "A correction of this is already waiting for the secretary.")}) from None
    # The committee managing the member and the one whose branch holds their membership
    # (one key per request: a secretary of both hears once).
    committees = {member.committee_id}
    if member.branch_id:
        committees.add(member.branch.committee_id)
    for committee_id in sorted(committees):
        bell.tell_committee_side(
            committee_id, key=f"correction:{correction.pk}:requested",
            message=gettext_lazy("%(name)s asks to correct their %(field)s."),
            params={"name": member.name, "field": correction.get_field_display()},
            url=reverse("members:correction-decide", args=[correction.pk]),
        )
    return correction


def _locked_pending(correction: CorrectionRequest) -> CorrectionRequest:
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("This request has been decided already."))
    return correction


def _decided(correction: CorrectionRequest, user, status: str, reason: str = "") -> None:
    correction.status = status
    correction.reason = reason
    correction.decided_by = user
    correction.decided_at = timezone.now()
    mask = MASKED_FIELDS.get(correction.field)
    if mask:  # the proposed number is kept only while the request waits
        correction.proposed_value = mask(correction.proposed_value)
    correction.full_clean()
    correction.save(update_fields=["status", "reason", "decided_by", "decided_at",
                                   "proposed_value"])


@transaction.atomic
def correction_accept(*, correction: CorrectionRequest, user) -> CorrectionRequest:
    """Accept: write the value (plain details) and tell the member."""
    correction = _locked_pending(correction)
    if correction.field in APPLIED_FIELDS:
        member = Member.objects.select_for_update().get(pk=correction.member_id)
        setattr(member, correction.field,
                _clean_value(correction.field, correction.proposed_value))
        try:
            member_save(member=member, user=user)
        except ValidationError as exc:
            raise ValidationError([
                _("%(field)s: %(error)s") % {"field": correction.get_field_display(),
                                             "error": message}
                for message in exc.messages
            ]) from None
    _decided(correction, user, CorrectionStatus.ACCEPTED)
    bell.tell_user(
        correction.member.user, key=f"correction:{correction.pk}:accepted",
        message=gettext_lazy("Your correction of your %(field)s was accepted."),
        params={"field": correction.get_field_display()}, url=reverse("members:me"),
    )
    return correction


@transaction.atomic
def correction_refuse(*, correction: CorrectionRequest, user, reason: str) -> CorrectionRequest:
    """Refuse with a reason, and tell the member why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the correction is refused.")})
    correction = _locked_pending(correction)
    _decided(correction, user, CorrectionStatus.REFUSED, reason[:200])
    bell.tell_user(
        correction.member.user, key=f"correction:{correction.pk}:refused",
        message=gettext_lazy("Your correction of your %(field)s was refused: %(reason)s"),
        params={"field": correction.get_field_display(), "reason": correction.reason},
        url=reverse("members:me"),
    )
    return correction
