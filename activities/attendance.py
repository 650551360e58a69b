"""Sign-up with capacity and a waiting list, QR and roster attendance with volunteer hours.

Places are counted on the activity row (``Activity.signed_up``) and changed only under that
row's lock, so concurrent sign-ups never take more places than there are. An attendance is
recorded once per member and activity by a unique constraint: a second check-in (a second scan,
two staff ticking the same name) finds the first one instead of a second row, and that is
decided by the database, not by looking first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from committees.models import Committee
from core.db import create_once, from_row, lock_row
from core.qr import (
    QR_CLOSES_AFTER,
    QR_MAX_AGE,
    QR_OPENS_BEFORE,
    read_rotating_token,
    rotating_token,
)
from core.scope import can_write, is_self_or_writer, scope_of
from members import bell
from members.models import Member

from .models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    SignupState,
)
from .selectors import can_sign_up_now, places_left

ACTIVITY_QR_SALT = "activities.attendance"
MAX_HOURS = Decimal(24)


def _district_id(obj) -> int | None:
    """The district of an activity's or a member's committee: from the loaded committee when
    there is one (``select_related``), else one query."""
    if type(obj).committee.is_cached(obj):
        return obj.committee.district_id
    return (
        Committee.objects.filter(pk=obj.committee_id)
        .values_list("district_id", flat=True)
        .first()
    )


def _same_district(activity, member) -> bool:
    if activity.committee_id == member.committee_id:
        return True
    return _district_id(activity) == _district_id(member)


# --- sign-up ------------------------------------------------------------------------------

@transaction.atomic
def signup(*, activity, member) -> ActivitySignup:
    """Sign a member up: a place while there is one (``signed_up`` counts it), else the
    waiting list. Only while the activity is open for sign-up and has not started."""
    activity = lock_row(activity)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError(_("This activity is not open for sign-up."))
    if timezone.now() >= activity.starts_at:
        raise ValidationError(_("This activity has already started."))
    if not _same_district(activity, member):
        raise ValidationError(_("Only members of the activity's district can sign up."))
    registered = activity.capacity is None or activity.signed_up < activity.capacity
    state = SignupState.REGISTERED if registered else SignupState.WAITING
    try:
        with transaction.atomic():
            created = ActivitySignup.objects.create(activity=activity, member=member, state=state)
    except IntegrityError:
        raise ValidationError(_("You have already signed up.")) from None
    if registered:
        Activity.objects.filter(pk=activity.pk).update(signed_up=F("signed_up") + 1)
    return created


@transaction.atomic
def signup_cancel(*, signup, user) -> ActivitySignup:
    """Cancel a sign-up (the member themselves, or the committee's side). A place it frees
    goes to the first on the waiting list, in the same transaction."""
    activity = lock_row(signup.activity)
    signup = ActivitySignup.objects.select_for_update(of=("self",)).get(pk=signup.pk)
    if not is_self_or_writer(user, signup.member_id, activity):
        raise PermissionDenied
    if signup.state == SignupState.CANCELLED:
        raise ValidationError(_("This sign-up is already cancelled."))
    if timezone.now() >= activity.starts_at:
        raise ValidationError(
            _("The activity has started; the sign-up can no longer be cancelled.")
        )
    was_registered = signup.state == SignupState.REGISTERED
    signup.state = SignupState.CANCELLED
    signup.cancelled_at = timezone.now()
    signup.save(update_fields=["state", "cancelled_at"])
    if scope_of(user).member_id != signup.member_id:
        # The committee's side took the member off the list: they would not know otherwise.
        member = Member.objects.select_related("user").get(pk=signup.member_id)
        bell.tell_user(
            member.user, key=f"activity-signup:{signup.pk}:cancelled",
            message=pgettext_lazy("activity sign-up", "%(committee)s cancelled your sign-up "
                                  "for “%(title)s”."),
            params={"committee": activity.committee.name, "title": activity.title},
            url=activity.get_absolute_url(),
        )
    if was_registered:
        Activity.objects.filter(pk=activity.pk).update(signed_up=F("signed_up") - 1)
        fill_places(activity)
    return signup


def fill_places(activity) -> int:
    """Move waiting sign-ups into free places, first come first served, and count them in
    ``signed_up``. Call with the activity locked (``activity_save`` and ``signup_cancel`` do);
    it takes the lock itself too, so it is never wrong. Returns how many moved up."""
    with transaction.atomic():
        locked = lock_row(activity)
        if locked.status not in (ActivityStatus.OPEN, ActivityStatus.PLANNED):
            activity.signed_up = locked.signed_up
            return 0
        waiting = ActivitySignup.objects.filter(
            activity_id=locked.pk, state=SignupState.WAITING
        ).select_related("member__user").order_by("created_at", "pk")
        if locked.capacity is not None:
            free = locked.capacity - locked.signed_up
            if free <= 0:
                activity.signed_up = locked.signed_up
                return 0
            waiting = waiting[:free]
        promoted = list(waiting)
        ids = [s.pk for s in promoted]
        if ids:
            ActivitySignup.objects.filter(pk__in=ids).update(state=SignupState.REGISTERED)
            Activity.objects.filter(pk=locked.pk).update(signed_up=F("signed_up") + len(ids))
        for moved in promoted:
            bell.tell_user(
                moved.member.user, key=f"activity-signup:{moved.pk}:promoted",
                message=pgettext_lazy("activity sign-up", "A place freed up for “%(title)s” "
                                      "(%(starts)s): you are signed up now."),
                params={"title": locked.title, "starts": _starts(locked)},
                url=locked.get_absolute_url(),
            )
        activity.signed_up = locked.signed_up + len(ids)
        return len(ids)


def _starts(activity) -> str:
    return timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")


def waiting_position(signup) -> int | None:
    """1 for the first on the waiting list; None when the sign-up is not waiting."""
    if signup.state != SignupState.WAITING:
        return None
    ahead = ActivitySignup.objects.filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk),
        activity_id=signup.activity_id, state=SignupState.WAITING,
    ).count()
    return ahead + 1


# --- the rotating QR code -----------------------------------------------------------------

def activity_qr_token(activity) -> str:
    return rotating_token(ACTIVITY_QR_SALT, activity.pk)


# The activity a scanned code names (every column), its committee's district, and the scanning
# account's member record (name and committee, and that committee's district for a volunteer
# from another community of the district): see ``scanned``. Table names are the models' own.
_SCANNED_SQL = """SELECT {columns}, c.district_id, m.id, m.name, m.committee_id, mc.district_id
    FROM {activity} a
    JOIN {committee} c ON c.id = a.committee_id
    LEFT JOIN {member} m ON m.user_id = %s
    LEFT JOIN {committee} mc ON mc.id = m.committee_id
    WHERE a.id = %s
"""


def scanned(token: str, user) -> tuple[Activity | None, Member | None]:
    """What a QR check-in reads: the activity ``token`` names (None when the token is forged,
    for something else or more than QR_MAX_AGE seconds old) with its committee's district,
    and ``user``'s member record with only its name and committee (None when the account has
    none). One statement, written out rather than composed with the ORM: 900 members may scan
    within a minute, and composing the two look-ups (the activity with its committee, the
    member) cost about 1.2 ms of each scan's CPU, the statement a tenth of that. The
    committees are loaded with their district only (``_same_district`` reads no more)."""
    pk = read_rotating_token(ACTIVITY_QR_SALT, token, max_age=QR_MAX_AGE)
    if pk is None:
        return None, None
    fields = Activity._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(_scanned_sql(), [user.pk, pk])
        row = cursor.fetchone()
    if row is None:
        return None, None
    district_id, member_id, name, member_committee_id, member_district_id = row[len(fields):]
    activity = from_row(Activity, row[:len(fields)])
    activity.committee = _committee_in(activity.committee_id, district_id)
    if member_id is None:
        return activity, None
    opts = Member._meta
    member = from_row(Member, [member_id, name, member_committee_id],
                      fields=[opts.pk, opts.get_field("name"), opts.get_field("committee")])
    member.committee = _committee_in(member_committee_id, member_district_id)
    return activity, member


@cache
def _scanned_sql() -> str:
    return _SCANNED_SQL.format(
        columns=", ".join(f'a."{f.column}"' for f in Activity._meta.concrete_fields),
        activity=Activity._meta.db_table, committee=Committee._meta.db_table,
        member=Member._meta.db_table,
    )


def _committee_in(pk: int, district_id: int) -> Committee:
    """A committee known by its id and district only (the rest deferred)."""
    return Committee.from_db(connection.alias, ["id", "district_id"], [pk, district_id])


# --- attendance ---------------------------------------------------------------------------

def _clean_hours(hours) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Enter the hours as a number.")}) from None
    if not value.is_finite() or value < 0 or value > MAX_HOURS:
        raise ValidationError({"hours": _("Volunteer hours are between 0 and 24.")})
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError({"hours": _("Give the hours with at most one decimal.")})
    return value.quantize(Decimal("0.1"))


def is_late(activity, now=None) -> bool:
    """Whether a staff tick now is a late check-in (补签): after the activity's end date."""
    now = now or timezone.now()
    return timezone.localdate(now) > timezone.localdate(activity.ends_at)


def activity_qr_refusal(activity, now=None) -> str | None:
    """Why a QR check-in to this activity is refused now, or None when it is allowed."""
    now = now or timezone.now()
    if activity.status == ActivityStatus.CANCELLED:
        return _("The activity was cancelled: no attendance is recorded.")
    if now < activity.starts_at - QR_OPENS_BEFORE:
        return _("Check-in opens two hours before the activity starts.")
    if now > activity.ends_at + QR_CLOSES_AFTER:
        return _("Check-in by QR code has closed; ask the staff to record your attendance.")
    return None


def check_in(*, activity, member, method, user=None, hours=None, reason=""):
    """Record that ``member`` was at ``activity``; returns ``(attendance, created)``.

    A QR check-in works for an activity that is not cancelled (one without sign-up, still
    "planned", happens too), from two hours before the start to six hours after the end;
    staff tick a roster any time, and a
    tick after the activity's end date is a late check-in that needs a reason. A member already
    checked in gets their first attendance back with ``created`` False: the unique constraint
    decides, so two scans at the same moment still make one row.
    """
    now = timezone.now()
    if method == AttendanceMethod.QR:
        refusal = activity_qr_refusal(activity, now)
        if refusal:
            raise ValidationError(refusal)
    elif activity.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("The activity was cancelled: no attendance is recorded."))
    if not _same_district(activity, member):
        raise ValidationError(_("Only members of the activity's district can check in."))
    reason = (reason or "").strip()
    if method == AttendanceMethod.QR:
        reason = ""
    elif is_late(activity, now):
        method = AttendanceMethod.LATE
        if not reason:
            raise ValidationError({"reason": _("Say why the check-in is late.")})
    else:
        method = AttendanceMethod.ROSTER
    hours = _clean_hours(activity.default_hours if hours is None else hours)
    # With its audit entry, and the first attendance when there is one: one statement
    return create_once(
        Attendance(activity=activity, member=member, method=method, hours=hours,
                   reason=reason[:200], recorded_by=user),
        unique=("activity", "member"),
    )


@transaction.atomic
def roster_check_in(*, activity, members, user, hours=None, reason="") -> int:
    """Staff tick several members present at once: all or nothing. Returns how many were
    newly recorded (members already checked in are left as they are)."""
    created = 0
    for member in members:
        _attendance, new = check_in(
            activity=activity, member=member, method=AttendanceMethod.ROSTER, user=user,
            hours=hours, reason=reason,
        )
        created += new
    return created


@transaction.atomic
def attendance_update(*, attendance, user, hours, reason=None) -> Attendance:
    """Staff correct the hours an attendance counts (0–24, one decimal) and, for a late
    check-in, its reason. The change is kept in the audit log."""
    attendance = Attendance.objects.select_for_update(of=("self",)).get(pk=attendance.pk)
    attendance.hours = _clean_hours(hours)
    fields = ["hours"]
    if reason is not None:
        reason = reason.strip()
        if attendance.method == AttendanceMethod.LATE and not reason:
            raise ValidationError({"reason": _("Say why the check-in is late.")})
        attendance.reason = reason[:200]
        fields.append("reason")
    attendance.save(update_fields=fields)
    return attendance


# --- what pages show ----------------------------------------------------------------------

def _total(hours) -> Decimal:
    """A sum of hours as the pages show it: one decimal, zero when there is nothing."""
    return Decimal(hours or 0).quantize(Decimal("0.1"))


def activity_counts(activity) -> dict:
    """Registered, waiting, attended and total hours of one activity (one query: each a
    subquery of the activity's row)."""
    signups = ActivitySignup.objects.filter(activity=OuterRef("pk")).order_by().values(
        "activity")
    attendances = Attendance.objects.filter(activity=OuterRef("pk")).order_by().values(
        "activity")

    def count_of(rows, **where):
        return Coalesce(Subquery(rows.filter(**where).annotate(n=Count("pk")).values("n")), 0)

    row = Activity.objects.filter(pk=activity.pk).values(
        registered=count_of(signups, state=SignupState.REGISTERED),
        waiting=count_of(signups, state=SignupState.WAITING),
        attended=count_of(attendances),
        hours=Subquery(attendances.annotate(h=Sum("hours")).values("h")),
    ).get()
    return {**row, "hours": _total(row["hours"])}


def people_panel(user, activity):
    """What the sign-up / attendance panel of an activity page shows this user, or None.

    ``member``: the viewer's own sign-up (state, waiting position), whether they may sign up or
    cancel, and their attendance. ``staff``: for the committee's side, the counts and the links
    to the sign-up list, the roster and the QR page."""
    scope = scope_of(user)
    staff = None
    if can_write(user, activity):
        staff = {
            **activity_counts(activity),
            "signup_list_url": reverse("activities:signup-list", args=[activity.pk]),
            "roster_url": reverse("activities:attendance-roster", args=[activity.pk]),
            "qr_url": reverse("activities:qr", args=[activity.pk]),
            # The QR screen: from planning (to set up the projector) until scanning closes.
            "can_check_in": activity.status != ActivityStatus.CANCELLED
            and timezone.now() <= activity.ends_at + QR_CLOSES_AFTER,
        }
    mine = None
    if scope.member_id is not None:
        own = (
            ActivitySignup.objects.filter(activity=activity, member_id=scope.member_id)
            .exclude(state=SignupState.CANCELLED)
            .first()
        )
        attendance = Attendance.objects.filter(
            activity=activity, member_id=scope.member_id
        ).first()
        can_sign_up = (
            can_sign_up_now(activity) and own is None
            and Member.objects.filter(
                pk=scope.member_id, committee__district_id=activity.committee.district_id
            ).exists()
        )
        mine = {
            "signup": own,
            "state": own.state if own else None,
            "position": waiting_position(own) if own else None,
            "can_sign_up": can_sign_up,
            "can_cancel": own is not None and timezone.now() < activity.starts_at,
            "attendance": attendance,
            "signup_url": reverse("activities:signup", args=[activity.pk]),
            "cancel_url": reverse("activities:signup-cancel", args=[activity.pk]),
        }
    if staff is None and mine is None:
        return None
    return {
        "activity": activity,
        "capacity": activity.capacity,
        "places_left": places_left(activity),
        "open": can_sign_up_now(activity),
        "staff": staff,
        "member": mine,
    }


def member_activity_summary(member, *, start=None, end=None, user=None, limit=None) -> dict:
    """A member's attendances (newest first, with the activity and its committee), their count
    and total volunteer hours; ``start``/``end`` (dates, inclusive) bound the activity's local
    start date. With ``user``, only attendances that user may read (the scope rule); with
    ``limit``, the list stops there but the count and hours cover every row (two queries)."""
    qs = Attendance.objects.for_user(user) if user is not None else Attendance.objects.all()
    qs = qs.filter(member=member)
    if start is not None:
        qs = qs.filter(activity__starts_at__date__gte=start)
    if end is not None:
        qs = qs.filter(activity__starts_at__date__lte=end)
    rows = qs.select_related("activity", "activity__committee").order_by(
        "-activity__starts_at", "-pk"
    )
    if not limit:  # every row listed, or none (the year's figures alone): the totals alone
        totals = qs.aggregate(count=Count("pk"), hours=Sum("hours"))
        if limit == 0:
            rows = rows.none()
    else:
        # The count and hours of every row ride along on each listed one (a window over the
        # whole set, taken before the limit): one query.
        rows = list(rows.annotate(
            total_count=Window(Count("pk")), total_hours=Window(Sum("hours"))
        )[:limit])
        totals = ({"count": rows[0].total_count, "hours": rows[0].total_hours} if rows
                  else {"count": 0, "hours": None})
    return {
        "attendances": list(rows),
        "count": totals["count"],
        "hours": _total(totals["hours"]),
    }
