"""Writes for resident units and co-building agreements (共建协议), and the part-time seats
made from an agreement. Keyword-only, validated, then saved; a refusal raises ValidationError
and writes nothing.

An agreement's seats follow it: renewing moves the end of the seats that ended with it, ending
it closes the seats still open.

``user`` is who acts: part of every write's signature, for the record, though nothing here
stores it yet (the audit log takes the actor from the request).
"""

import datetime
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Seat, SeatRole

from .models import EXPIRY_WARNING_DAYS, Agreement, AgreementStatus, Unit

# -- units --------------------------------------------------------------------------------------


def unit_save(*, unit: Unit) -> Unit:
    """Create or update a unit. Its name is unique in the district: a clash is said on the
    name field (the model's constraint message), not at the top of the form."""
    unit.name = (unit.name or "").strip()
    if (
        unit.district_id
        and Unit.objects.filter(district_id=unit.district_id, name=unit.name)
        .exclude(pk=unit.pk)
        .exists()
    ):
        raise ValidationError({"name": _unique_name_message()})
    unit.full_clean()
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        # Two units of the same name saved at the same moment.
        raise ValidationError({"name": _unique_name_message()}) from None
    return unit


def _unique_name_message() -> str:
    constraint = next(c for c in Unit._meta.constraints if c.name == "unit_unique_name")
    return str(constraint.violation_error_message)


# -- agreements ---------------------------------------------------------------------------------


def agreements_with_status(queryset, status: str):
    """Filter agreements by what their status *reads*: "expired" is in force and past its end,
    "in_force" excludes those; "" leaves the queryset alone."""
    today = timezone.localdate()
    if status == AgreementStatus.EXPIRED:
        return queryset.filter(status=AgreementStatus.IN_FORCE, ends_on__lt=today)
    if status == AgreementStatus.IN_FORCE:
        return queryset.filter(Agreement.in_force_q())
    if status in (AgreementStatus.DRAFT, AgreementStatus.ENDED):
        return queryset.filter(status=status)
    return queryset


def expiring_agreements(committee):
    """The committee's agreements in force that end within ``EXPIRY_WARNING_DAYS`` (today
    included), soonest first: for the secretary's page, so they are renewed or ended in time."""
    today = timezone.localdate()
    return (
        Agreement.objects.filter(
            committee=committee,
            status=AgreementStatus.IN_FORCE,
            ends_on__gte=today,
            ends_on__lte=today + timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .select_related("unit")
        .order_by("ends_on", "unit__name")
    )


def ends_soon(agreement: Agreement, today: datetime.date | None = None) -> bool:
    """Whether ``expiring_agreements`` holds ``agreement`` (a loaded one): in force and ending
    within ``EXPIRY_WARNING_DAYS``, today included."""
    today = today or timezone.localdate()
    return (agreement.status == AgreementStatus.IN_FORCE
            and today <= agreement.ends_on <= today + timedelta(days=EXPIRY_WARNING_DAYS))


def open_seat_count(agreement: Agreement) -> int:
    """How many of the agreement's seats are still open today (no end, or ending today or
    later): those that ending it would close, for the confirmation."""
    today = timezone.localdate()
    return agreement.seats.filter(Q(term_end__isnull=True) | Q(term_end__gte=today)).count()


def agreement_save(*, agreement: Agreement, user) -> Agreement:
    """Create or update an agreement. The term must not end before it starts, an agreement in
    force needs the day it was signed, and the unit must be of the committee's district. Once in
    force, its end moves only through ``agreement_renew`` and ``agreement_end``."""
    errors = {}
    if agreement.starts_on and agreement.ends_on and agreement.ends_on < agreement.starts_on:
        errors["ends_on"] = _("The term cannot end before it starts.")
    if agreement.status == AgreementStatus.IN_FORCE and not agreement.signed_on:
        errors["signed_on"] = _("An agreement in force needs the day it was signed.")
    if (
        agreement.unit_id
        and agreement.committee_id
        and agreement.unit.district_id != agreement.committee.district_id
    ):
        errors["unit"] = _("Choose a unit of the committee's district.")
    if agreement.pk:
        stored = Agreement.objects.filter(pk=agreement.pk).values(
            "status", "ends_on", "unit_id"
        ).first()
        if stored and stored["status"] != AgreementStatus.DRAFT:
            # Its seats end with it: the end moves by renewing (or ending), which moves them too.
            if agreement.ends_on != stored["ends_on"]:
                errors["ends_on"] = _("Renew or end the agreement to change the end of its term.")
            if agreement.unit_id != stored["unit_id"]:
                errors["unit"] = _("An agreement that has come into force keeps its unit.")
            if agreement.status == AgreementStatus.DRAFT:
                errors["status"] = _("An agreement that has come into force is no longer a draft.")
    if errors:
        raise ValidationError(errors)
    agreement.committee_commits = agreement.committee_commits.strip()
    agreement.unit_commits = agreement.unit_commits.strip()
    agreement.full_clean()
    agreement.save()
    return agreement


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _move_seat_ends(seats, term_end: datetime.date) -> None:
    # One save per seat (an agreement has a few), so the audit log records each change.
    for seat in seats:
        seat.term_end = term_end
        seat.save(update_fields=["term_end"])


def _refuse_unless_running(agreement: Agreement, *, draft: str, ended: str) -> None:
    if agreement.status == AgreementStatus.DRAFT:
        raise ValidationError(draft)
    if agreement.status == AgreementStatus.ENDED:
        raise ValidationError(ended)


def agreement_renew(*, agreement: Agreement, new_end: datetime.date, user) -> Agreement:
    """Extend the term of an agreement in force (or in force but expired) to ``new_end``.

    The seats made from it whose term ended with the agreement end on ``new_end`` too; a seat
    that was given an earlier end keeps it.
    """
    with transaction.atomic():
        locked = _lock(agreement)
        _refuse_unless_running(
            locked,
            draft=_("A draft is not renewed: edit its term instead."),
            ended=_("This agreement has ended: sign a new one instead of renewing it."),
        )
        old_end = locked.ends_on
        if new_end <= old_end:
            raise ValidationError({
                "new_end": _("The new end must be later than the current end, %(date)s.")
                % {"date": old_end.isoformat()}
            })
        _move_seat_ends(locked.seats.filter(term_end=old_end), new_end)
        locked.ends_on = new_end
        locked.full_clean()
        locked.save(update_fields=["ends_on"])
    agreement.ends_on = new_end
    return agreement


def agreement_end(*, agreement: Agreement, on: datetime.date, user) -> Agreement:
    """End an agreement in force on ``on`` (not in the future, not before its start). Its seats
    still open on that day end with it."""
    with transaction.atomic():
        locked = _lock(agreement)
        _refuse_unless_running(
            locked,
            draft=_("A draft has not come into force, so it cannot be ended."),
            ended=_("This agreement has already ended."),
        )
        if on > timezone.localdate():
            raise ValidationError({"on": _("An agreement cannot be ended on a future day.")})
        if on < locked.starts_on:
            raise ValidationError({
                "on": _("The agreement started on %(date)s: it cannot end before that.")
                % {"date": locked.starts_on.isoformat()}
            })
        open_seats = locked.seats.filter(Q(term_end__isnull=True) | Q(term_end__gt=on))
        later = open_seats.filter(term_start__gt=on).order_by("-term_start").first()
        if later is not None:
            raise ValidationError({
                "on": _("The seat of %(holder)s starts on %(date)s: end the agreement on or "
                        "after that day, or remove the seat first.")
                % {"holder": later.holder, "date": later.term_start.isoformat()}
            })
        _move_seat_ends(open_seats, on)
        locked.status = AgreementStatus.ENDED
        locked.ended_on = on
        locked.full_clean()
        locked.save(update_fields=["status", "ended_on"])
    agreement.status, agreement.ended_on = locked.status, locked.ended_on
    return agreement


def agreement_seat_create(
    *, agreement: Agreement, holder_name: str, title: str, commitment: str, user
) -> Seat:
    """A part-time seat on the committee for the unit's person, for the agreement's term
    (from today, or from the term's start if that is later). Only from an agreement in force;
    the agreement is locked, so ending or renewing it at the same moment waits for the seat."""
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise ValidationError({"holder_name": _("Enter the name of the unit's person.")})
    with transaction.atomic():
        agreement = _lock(agreement)
        if agreement.current_status != AgreementStatus.IN_FORCE:
            raise ValidationError(_("Seats are made only from an agreement in force."))
        return _seat_for(agreement, holder_name, title, commitment)


def _seat_for(agreement: Agreement, holder_name: str, title: str, commitment: str) -> Seat:
    seat = Seat(
        committee_id=agreement.committee_id,
        role=SeatRole.PART_TIME,
        unit_id=agreement.unit_id,
        holder_name=holder_name,
        title=(title or "").strip(),
        commitment=(commitment or "").strip(),
        term_start=max(timezone.localdate(), agreement.starts_on),
        term_end=agreement.ends_on,
        agreement=agreement,
    )
    seat.full_clean()
    seat.save()
    return seat
