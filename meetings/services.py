"""Meetings: planning one (with its expected attendees drawn from the holder), attendance (by
the staff's form or by the rotating QR code shared with activities), the agenda, the minutes,
signing them off, addenda after sign-off, and attachments.

Writes are keyword-only services: a refusal raises ValidationError (on the field concerned
where there is one) and writes nothing. Each write locks the meeting's row first, so a sign-off
and a late edit cannot cross: once the minutes are signed off, the minutes, decisions, agenda
and attendance are read-only and every service here says so; a correction is an addendum,
kept in the audit log (``activities.apps`` registers the meeting models with auditlog).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import timedelta

from auditlog.context import auditlog_value
from auditlog.context import set_actor as _auditlog_set_actor
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees.models import Seat
from core import uploads
from core.dates import local_midnight, next_month, year_range_error
from core.db import lock_row
from core.qr import (
    QR_CLOSES_AFTER,
    QR_MAX_AGE,
    QR_OPENS_BEFORE,
    read_rotating_token,
    rotating_token,
)
from members.models import Member

from .models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    JOINT_COUNTS_AS,
    AgendaItem,
    Matter,
    MatterStatus,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MeetingAttendanceStatus,
    MeetingKind,
    MeetingStatus,
    MinutesAddendum,
)

Attend = MeetingAttendanceStatus

# The fields the meeting form changes; status, minutes and sign-off have their own services.
EDITABLE = [
    "kind", "title", "starts_at", "venue", "place", "chair", "recorder", "invitees",
    "updated_at",
]
# Matters an agenda item may name: not yet resolved or escalated.
AGENDA_MATTER_STATUSES = (
    MatterStatus.OPEN, MatterStatus.DELIBERATED, MatterStatus.IN_PROGRESS,
)
BULK_BATCH = 500
# A QR check-in more than this long after the start counts as late.
LATE_AFTER = timedelta(minutes=15)
MEETING_QR_SALT = "activities.meeting"  # as before the move: codes on screens stay valid

MAX_ATTACHMENT_BYTES = uploads.MAX_UPLOAD_BYTES
MAX_ATTACHMENTS = 20


@contextlib.contextmanager
def set_actor(user):
    """Name ``user`` in the audit log of what follows. auditlog's own ``set_actor`` does not
    restore what was there (its middleware's actor for the rest of the request): this does."""
    outer = auditlog_value.get(None)
    try:
        with _auditlog_set_actor(user):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


# --- the holder and who is expected ---------------------------------------------------------

def is_signed_off(meeting) -> bool:
    return meeting.status == MeetingStatus.SIGNED_OFF


def _refuse_if_signed_off(meeting, what: str) -> None:
    if is_signed_off(meeting):
        raise ValidationError(
            _("The minutes are signed off: %(what)s can no longer be changed. Add an addendum "
              "instead.") % {"what": what}
        )


def kinds_for(branch=None) -> list[str]:
    """The kinds a holder may hold: a committee the committee kinds; a party group its group
    meeting; a top-level branch the other branch kinds."""
    if branch is None:
        return [k.value for k in COMMITTEE_KINDS]
    if branch.parent_id is not None:
        return [MeetingKind.GROUP.value]
    return [k.value for k in BRANCH_KINDS if k != MeetingKind.GROUP]


def _seat_rows(meeting) -> list[MeetingAttendance]:
    """The committee's seat holders whose term has not ended by the meeting's day."""
    day = timezone.localtime(meeting.starts_at).date()
    seats = (
        Seat.objects.filter(committee_id=meeting.committee_id, term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("member", "unit")
        .order_by("role", "pk")
    )
    rows, seen = [], set()
    for seat in seats:
        if seat.member_id:
            if seat.member_id in seen:
                continue
            seen.add(seat.member_id)
            rows.append(MeetingAttendance(meeting=meeting, member=seat.member,
                                          name=seat.member.name[:50]))
        else:
            rows.append(MeetingAttendance(meeting=meeting, unit=seat.unit,
                                          name=seat.holder_name[:50]))
    return rows


def _unit_rows(meeting, units) -> list[MeetingAttendance]:
    return [MeetingAttendance(meeting=meeting, unit=u, name=u.name[:50]) for u in units]


def expected_attendees(meeting) -> list[MeetingAttendance]:
    """Who is expected at ``meeting`` (unsaved rows), drawn from its holder: a committee's
    monthly or work meeting, the seat holders (members, and unit people by name); a joint
    meeting, those and one row per unit taking part; a branch's meeting, the members of the
    branch and its party groups; a party group's meeting, the group's members."""
    if meeting.branch_id is None:
        rows = _seat_rows(meeting)
        if meeting.kind == MeetingKind.JOINT and meeting.pk is not None:
            rows += _unit_rows(meeting, meeting.units.order_by("name"))
        return rows
    if meeting.kind == MeetingKind.GROUP:
        members = Member.objects.filter(party_group_id=meeting.branch_id)
    else:  # the branch's whole membership, its party groups' members included
        members = Member.objects.filter(branch_id=meeting.branch_id)
    return [
        MeetingAttendance(meeting=meeting, member_id=pk, name=name[:50])
        for pk, name in members.order_by("name", "pk").values_list("pk", "name")
    ]


def default_title(kind: str) -> str:
    """The kind's name in the portal's language (stored: printed minutes and lists read it
    whatever the language of whoever planned the meeting)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(MeetingKind(kind).label)


def _holder_errors(meeting, units) -> dict:
    committee, branch = meeting.committee, meeting.branch
    errors = {}
    if meeting.kind in COMMITTEE_KINDS:
        if branch is not None:
            errors["kind"] = _("A branch does not hold this kind of meeting.")
    elif branch is None:
        errors["kind"] = _("Only a branch or a party group holds this kind of meeting.")
    elif branch.committee_id != committee.pk:
        errors["branch"] = _("Choose a branch of %(name)s.") % {"name": committee.name}
    elif meeting.kind not in kinds_for(branch):
        if branch.parent_id is not None:
            errors["kind"] = _("A party group holds party group meetings.")
        else:
            errors["kind"] = _("Party group meetings are held by a party group, not a branch.")
    if meeting.venue_id and meeting.venue.committee_id != committee.pk:
        errors["venue"] = _("Choose a venue of %(name)s.") % {"name": committee.name}
    if units:
        if meeting.kind != MeetingKind.JOINT:
            errors["units"] = _("Only a joint party-building meeting has units taking part.")
        elif any(u.district_id != committee.district_id for u in units):
            errors["units"] = _("Choose units of the committee's district.")
    elif meeting.kind == MeetingKind.JOINT and units is not None:
        errors["units"] = _("Choose the units taking part in the joint meeting.")
    if error := year_range_error(meeting.starts_at):
        errors["starts_at"] = error
    return errors


@transaction.atomic
def meeting_save(*, meeting: Meeting, user, committee=None, branch=None,
                 units: Iterable | None = None) -> Meeting:
    """Plan a meeting (``committee`` or ``branch`` names the holder) or change a planned or
    held one. ``units``: the units taking part in a joint meeting (``None``: leave them).

    A new meeting is planned, titled by its kind unless given a title, and gets one
    attendance row per expected attendee. After sign-off nothing changes."""
    if branch is not None:
        meeting.branch = branch
        meeting.committee_id = branch.committee_id
        meeting.committee = branch.committee
    elif committee is not None:
        meeting.committee = committee
    units = list(units) if units is not None else None
    creating = meeting.pk is None
    if creating:
        meeting.status = MeetingStatus.PLANNED
        meeting.created_by = user
        if meeting.kind == MeetingKind.JOINT and units is None:
            units = []
    else:
        stored = lock_row(meeting)
        _refuse_if_signed_off(stored, _("the meeting"))
        if (stored.committee_id, stored.branch_id) != (meeting.committee_id, meeting.branch_id):
            raise ValidationError(_("A meeting stays with the committee or branch holding it."))
        # Kept as stored: the form does not change these.
        meeting.status, meeting.minutes, meeting.decisions = (
            stored.status, stored.minutes, stored.decisions)
        if meeting.kind == MeetingKind.JOINT and units is None and stored.kind != meeting.kind:
            units = []
        if (meeting.kind != stored.kind and stored.kind in JOINT_COUNTS_AS
                and meeting.joint_invitations.exists()):
            raise ValidationError({"kind": _(
                "Branches are invited to this joint meeting: it keeps its kind."
            )})
        if stored.status == MeetingStatus.HELD:
            # A held meeting counts for its kind and month (compliance): it keeps both, and
            # cannot move into the future.
            if meeting.kind != stored.kind:
                raise ValidationError({"kind": _("A held meeting keeps its kind.")})
            when = timezone.localtime(meeting.starts_at)
            was = timezone.localtime(stored.starts_at)
            moved = (when.year, when.month) != (was.year, was.month)
            if moved or meeting.starts_at > timezone.now():
                raise ValidationError({"starts_at": _(
                    "A held meeting stays in the month it was held, and not in the future."
                )})
    errors = _holder_errors(meeting, units)
    if errors:
        raise ValidationError(errors)
    meeting.title = (meeting.title or "").strip() or default_title(meeting.kind)
    meeting.full_clean(exclude=["units"])
    with set_actor(user):
        if creating:
            meeting.save()
        else:
            meeting.save(update_fields=EDITABLE)
        if meeting.kind != MeetingKind.JOINT:
            units = []
        if units is not None and (units or not creating):
            meeting.units.set(units)
        if creating:
            MeetingAttendance.objects.bulk_create(
                expected_attendees(meeting), batch_size=BULK_BATCH
            )
        elif units is not None:
            _sync_unit_rows(meeting, units)
    return meeting


def _sync_unit_rows(meeting, units) -> None:
    """After the units of a joint meeting change: a row for each unit taking part; rows of
    units no longer taking part go, unless their attendance was recorded."""
    unit_ids = {u.pk for u in units}
    seat_unit_rows = {
        r.unit_id for r in _seat_rows(meeting) if r.unit_id is not None
    }
    have = set(
        MeetingAttendance.objects.filter(meeting=meeting, member__isnull=True,
                                         unit__isnull=False)
        .values_list("unit_id", flat=True)
    )
    MeetingAttendance.objects.bulk_create(
        [r for r in _unit_rows(meeting, units) if r.unit_id not in have]
    )
    MeetingAttendance.objects.filter(
        meeting=meeting, member__isnull=True, status=Attend.EXPECTED,
    ).exclude(unit_id__in=unit_ids | seat_unit_rows).delete()


# --- attendance -----------------------------------------------------------------------------

def has_started(meeting, now=None) -> bool:
    return meeting.starts_at <= (now or timezone.now())


@transaction.atomic
def record_attendance(*, meeting: Meeting, user, rows) -> int:
    """Record each expected attendee's attendance: ``rows`` are ``(attendance_pk, status,
    reason)``. All or nothing; absent with leave needs a reason; present, late and absent
    once the meeting has started (leave may be asked for beforehand). Returns how many rows
    changed (each change is audited)."""
    meeting = lock_row(meeting)
    _refuse_if_signed_off(meeting, _("the attendance"))
    started = has_started(meeting)
    stored = {r.pk: r for r in MeetingAttendance.objects.filter(meeting=meeting)}
    valid = set(Attend.values)
    changed, errors = [], []
    for pk, status, reason in rows:
        row = stored.get(pk)
        if row is None:
            raise ValidationError(_("Record attendance only for the people expected."))
        reason = (reason or "").strip()[:200]
        if status not in valid:
            errors.append(_("%(name)s: choose an attendance.") % {"name": row.name})
            continue
        if status == Attend.LEAVE and not reason:
            errors.append(_("Say why %(name)s is absent.") % {"name": row.name})
            continue
        if status in (Attend.PRESENT, Attend.LATE, Attend.ABSENT) and not started:
            errors.append(
                _("%(name)s: the meeting has not started; only leave can be recorded yet.")
                % {"name": row.name}
            )
            continue
        if status != Attend.LEAVE:
            reason = reason if status == Attend.LATE else ""
        if (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            changed.append(row)
    if errors:
        raise ValidationError(errors)
    with set_actor(user):
        for row in changed:
            row.save(update_fields=["status", "reason"])
    return len(changed)


def attendance_summary(rows) -> dict:
    """Counts by attendance of a meeting's rows (already loaded: no query)."""
    counts = dict.fromkeys(Attend.values, 0)
    for row in rows:
        counts[row.status] += 1
    counts["total"] = len(rows)
    return counts


# --- the agenda, the minutes, sign-off, addenda -------------------------------------------

def agenda_matters(meeting, current=None):
    """Matters an agenda item of ``meeting`` may name: its committee's open, deliberated and
    in-progress matters (and the one it names already)."""
    q = Q(committee_id=meeting.committee_id, status__in=AGENDA_MATTER_STATUSES)
    if current is not None:
        q |= Q(pk=current)
    return Matter.objects.filter(q).order_by("-raised_on", "-pk")


def next_position(meeting) -> int:
    last = (
        AgendaItem.objects.filter(meeting=meeting).order_by("-position")
        .values_list("position", flat=True).first()
    )
    return (last or 0) + 1


@transaction.atomic
def agenda_save(*, item: AgendaItem, user, meeting: Meeting | None = None) -> AgendaItem:
    """Add an agenda item to ``meeting`` or change one; the matter it names must be one of
    the committee's matters still being dealt with. Not after sign-off."""
    if meeting is not None:
        item.meeting = meeting
    locked = lock_row(item.meeting)
    _refuse_if_signed_off(locked, _("the agenda"))
    creating = item.pk is None
    if not creating:
        stored = AgendaItem.objects.only("meeting_id", "matter_id").get(pk=item.pk)
        if stored.meeting_id != locked.pk:
            raise ValidationError(_("An agenda item stays with its meeting."))
    if item.matter_id is not None:
        allowed = agenda_matters(locked, None if creating else stored.matter_id)
        if not allowed.filter(pk=item.matter_id).exists():
            raise ValidationError({"matter": _(
                "Choose a matter of %(name)s that is open, deliberated or in progress."
            ) % {"name": locked.committee.name}})
    if creating and not item.position:
        item.position = next_position(locked)
    item.title = (item.title or "").strip()
    item.full_clean()
    with set_actor(user):
        item.save()
    return item


@transaction.atomic
def minutes_save(*, meeting: Meeting, user, minutes: str, decisions: str) -> Meeting:
    """Write the minutes and decisions, which marks the meeting held (only once it has
    started; not after sign-off). Matters on its agenda that were open are now deliberated."""
    locked = lock_row(meeting)
    _refuse_if_signed_off(locked, _("the minutes"))
    if not has_started(locked):
        raise ValidationError(_("The meeting has not started yet: write the minutes after it."))
    locked.minutes = (minutes or "").strip()
    locked.decisions = (decisions or "").strip()
    locked.status = MeetingStatus.HELD
    locked.full_clean(exclude=["units"])
    matter_ids = AgendaItem.objects.filter(
        meeting=locked, matter__isnull=False
    ).values_list("matter_id", flat=True)
    with set_actor(user):
        locked.save(update_fields=["minutes", "decisions", "status", "updated_at"])
        # One save each (a meeting deliberates a few), so the move is in each matter's history.
        for matter in Matter.objects.select_for_update().filter(
            pk__in=list(matter_ids), status=MatterStatus.OPEN
        ):
            matter.status = MatterStatus.DELIBERATED
            matter.save(update_fields=["status"])
    meeting.minutes, meeting.decisions, meeting.status = (
        locked.minutes, locked.decisions, locked.status)
    return meeting


@transaction.atomic
def sign_off(*, meeting: Meeting, user) -> Meeting:
    """Sign the minutes off: only a held meeting with minutes. From now on the minutes,
    decisions, agenda and attendance are read-only."""
    locked = lock_row(meeting)
    if locked.status == MeetingStatus.SIGNED_OFF:
        raise ValidationError(_("The minutes are already signed off."))
    if locked.status != MeetingStatus.HELD:
        raise ValidationError(_("Record the minutes first: only a held meeting is signed off."))
    if not locked.minutes.strip():
        raise ValidationError(_("The minutes are empty: write them before signing off."))
    locked.status = MeetingStatus.SIGNED_OFF
    locked.signed_off_at = timezone.now()
    locked.signed_off_by = user
    with set_actor(user):
        locked.save(update_fields=["status", "signed_off_at", "signed_off_by", "updated_at"])
    meeting.status, meeting.signed_off_at, meeting.signed_off_by = (
        locked.status, locked.signed_off_at, user)
    return meeting


@transaction.atomic
def add_addendum(*, meeting: Meeting, user, text: str) -> MinutesAddendum:
    """A correction to signed-off minutes (which stay as signed); kept in the audit log."""
    locked = lock_row(meeting)
    if locked.status != MeetingStatus.SIGNED_OFF:
        raise ValidationError(
            _("An addendum corrects signed-off minutes; until then, edit the minutes.")
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the addendum.")})
    addendum = MinutesAddendum(meeting=locked, text=text, created_by=user)
    addendum.full_clean()
    with set_actor(user):
        addendum.save()
    return addendum


# --- the rotating QR code -------------------------------------------------------------------

def meeting_qr_token(meeting) -> str:
    return rotating_token(MEETING_QR_SALT, meeting.pk)


def meeting_from_token(token: str) -> Meeting | None:
    """The meeting a QR token names, or None when it is forged, for something else, or too
    old."""
    pk = read_rotating_token(MEETING_QR_SALT, token, max_age=QR_MAX_AGE)
    if pk is None:
        return None
    return Meeting.objects.select_related("committee", "branch").filter(pk=pk).first()


def meeting_qr_refusal(meeting, now=None) -> str | None:
    """Why a QR check-in to this meeting is refused now, or None when it is allowed."""
    now = now or timezone.now()
    if is_signed_off(meeting):
        return _("The minutes are signed off: check-in is closed.")
    if now < meeting.starts_at - QR_OPENS_BEFORE:
        return _("Check-in opens two hours before the meeting starts.")
    if now > meeting.starts_at + QR_CLOSES_AFTER:
        return _("Check-in by QR code has closed; ask the recorder to record your attendance.")
    return None


def _of_committee(meeting, member) -> bool:
    """Whether an unexpected member may still check in: to a committee's meeting, a member of
    that committee; to a branch's or party group's meeting, only that branch's (and its party
    groups') own members, since checking in opens the minutes to them."""
    if meeting.branch_id:
        return meeting.branch_id in (member.branch_id, member.party_group_id)
    if member.committee_id == meeting.committee_id:
        return True
    return member.branch_id is not None and member.branch.committee_id == meeting.committee_id


@transaction.atomic
def qr_check_in(*, meeting: Meeting, member) -> tuple[MeetingAttendance, bool]:
    """Record that ``member`` came (late when more than 15 minutes after the start).
    Returns ``(row, changed)``: ``changed`` is False when their attendance was already
    recorded (a second scan). A member not expected gets a row only when they belong to the
    holder's committee. One row per member: the unique constraint decides."""
    locked = lock_row(meeting)
    now = timezone.now()
    refusal = meeting_qr_refusal(locked, now)
    if refusal:
        raise ValidationError(refusal)
    status = Attend.LATE if now > locked.starts_at + LATE_AFTER else Attend.PRESENT
    open_statuses = [Attend.EXPECTED, Attend.ABSENT]
    row = MeetingAttendance.objects.filter(meeting=locked, member=member).first()
    if row is None:
        if not _of_committee(locked, member):
            raise ValidationError(
                _("You are not expected at this meeting and are not a member of %(name)s.")
                % {"name": locked.committee.name}
            )
        try:
            with transaction.atomic(), set_actor(member.user):
                row = MeetingAttendance.objects.create(
                    meeting=locked, member=member, name=member.name[:50], status=status,
                    checked_in_at=now,
                )
            return row, True
        except IntegrityError:  # a second scan at the same moment
            row = MeetingAttendance.objects.get(meeting=locked, member=member)
    if row.status not in open_statuses:
        return row, False
    with set_actor(member.user):
        updated = MeetingAttendance.objects.filter(
            pk=row.pk, status__in=open_statuses
        ).update(status=status, checked_in_at=now, reason="")
    row.refresh_from_db()
    return row, bool(updated)


def checked_in_count(meeting) -> int:
    return MeetingAttendance.objects.filter(
        meeting=meeting, status__in=[Attend.PRESENT, Attend.LATE]
    ).count()


# --- attachments ----------------------------------------------------------------------------

# The checks are core.uploads' (notices' files take the same); these names stay for callers.
file_kind = uploads.file_kind
check_attachment = uploads.check_upload


@transaction.atomic
def attachment_add(*, meeting: Meeting, user, upload) -> MeetingAttachment:
    """Keep a file with the meeting (also after sign-off: a scan of the signed minutes),
    stored under a random token; the original name is kept for the download."""
    checked = check_attachment(upload)
    locked = lock_row(meeting)
    if MeetingAttachment.objects.filter(meeting=locked).count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": _("A meeting keeps at most %(n)s attachments.")
                               % {"n": MAX_ATTACHMENTS}})
    return uploads.store_upload(MeetingAttachment(meeting=locked), checked, user=user)


# --- reads ----------------------------------------------------------------------------------

PAGE_SIZE = 20


def meeting_rows(user, committee, filters: dict):
    """The meetings of ``committee`` and its branches that ``user`` may read, filtered by a
    valid filter form's ``cleaned_data`` (holder, kind, month, status), latest first."""
    rows = Meeting.objects.for_user(user).filter(committee=committee)
    holder = filters.get("holder")
    if holder == "committee":
        rows = rows.filter(branch__isnull=True)
    elif holder:
        rows = rows.filter(branch_id=int(holder))
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    month = filters.get("month")
    if month:
        rows = rows.filter(starts_at__gte=local_midnight(month),
                           starts_at__lt=local_midnight(next_month(month)))
    return rows.select_related("branch", "venue").order_by("-starts_at", "-pk")


def branch_meetings(user, branch, *, limit: int = 5) -> dict:
    """A branch's (and its party groups') meetings for its page: the next ones and the
    latest ones, as far as ``user`` may read them (two queries)."""
    rows = (
        Meeting.objects.for_user(user)
        .filter(Q(branch=branch) | Q(branch__parent=branch))
        .select_related("branch")
    )
    now = timezone.now()
    return {
        "upcoming": list(rows.filter(starts_at__gte=now).order_by("starts_at", "pk")[:limit]),
        "recent": list(rows.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:limit]),
    }
