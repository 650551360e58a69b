"""Two-step sign-in (两步验证) with django-otp: after the password, a 6-digit code from an
authenticator app (a ``TOTPDevice``) or one of ten backup codes (a ``StaticDevice``).

The portal keeps its own sign-in page: the password signs the session in as before, and
``core.middleware.TwoFactorMiddleware`` then sends a user who turned two-step sign-in on to
the code page until the session is verified (``django_otp.login``), and a district officer who
must have it (``OTP_REQUIRED_FOR_OFFICERS``) to enrolment. What each session still owes is kept
in the session at sign-in (``TWO_FACTOR_STATE``), so pages spend no query on it.
"""

import time
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .scope import scope_of

TWO_FACTOR_STATE = "_2fa_state"  # session key: what the session owes before other pages
VERIFY = "verify"  # the user has a confirmed device: the session must pass the code step
ENROL = "enrol"  # an officer who must turn it on and has not
BACKUP_CODES_SHOWN = "_2fa_backup_codes"  # session key: new backup codes, shown once
BACKUP_CODE_COUNT = 10
TOTP_NAME = "authenticator"
BACKUP_NAME = "backup codes"


def must_enrol(user) -> bool:
    """Two-step sign-in is required of ``user`` (a district officer or superuser, when
    ``OTP_REQUIRED_FOR_OFFICERS`` is on)."""
    return settings.OTP_REQUIRED_FOR_OFFICERS and scope_of(user).is_district_officer


def has_confirmed_device(user) -> bool:
    """``django_otp.user_has_device(user, confirmed=True)`` in one query: it asks each kind of
    device (authenticator, backup codes) in turn, a query each when the user has none, and a
    session without any asks again every ``RECHECK_SECONDS`` (so at the first scan of each
    member of a crowd at a check-in). Written out, as ``devices_for_user(user,
    confirmed=True)`` of each kind would ask: composing the union with the ORM cost about
    1 ms of CPU, the statement a tenth of that."""
    if user.is_anonymous:
        return False
    sql, kinds = _devices_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * kinds)
        return bool(cursor.fetchone()[0])


@cache
def _devices_sql() -> tuple[str, int]:
    """``SELECT EXISTS (…)`` over each kind's confirmed devices of a user, and how many kinds
    (the user's id is a parameter of each); names are the models' own. The kinds are the
    installed apps' device models, which do not change while the process runs."""
    parts = [
        f'SELECT 1 FROM "{m._meta.db_table}" '  # noqa: S608 (the models' own names)
        f'WHERE "{m._meta.get_field("user").column}" = %s '
        f'AND "{m._meta.get_field("confirmed").column}"'
        for m in device_classes()
    ]
    return f"SELECT EXISTS ({' UNION ALL '.join(parts)})", len(parts)


def state_for(user) -> str:
    """What a session of ``user`` owes before other pages: VERIFY, ENROL or nothing ("")."""
    if has_confirmed_device(user):
        return VERIFY
    if must_enrol(user):
        return ENROL
    return ""


TWO_FACTOR_CHECKED = "_2fa_checked"  # session key: when the state was last worked out
# What a session owes is worked out again this often (seconds): turning two-step sign-in on
# in one session, an administrator adding or removing a device, or becoming a district officer
# then reaches the user's other sessions within a minute (a query or two a minute a session).
RECHECK_SECONDS = 60
_now = time.time  # (the tests move it on)


def remember_state(sender, request, user, **kwargs):
    """``user_logged_in``: the session keeps what it owes (two or three queries, once)."""
    if hasattr(request, "session"):
        _remember(request.session, user)


def _remember(session, user) -> str:
    state = session[TWO_FACTOR_STATE] = state_for(user)
    session[TWO_FACTOR_CHECKED] = int(_now())
    return state


def session_state(request) -> str:
    """What the request's session owes: kept in the session, worked out again for a session
    that predates it, and every ``RECHECK_SECONDS`` (a device added or removed elsewhere)."""
    state = request.session.get(TWO_FACTOR_STATE)
    checked = request.session.get(TWO_FACTOR_CHECKED, 0)
    if state is None or _now() - checked >= RECHECK_SECONDS:
        state = _remember(request.session, request.user)
    return state


def offered_to(user, request) -> bool:
    """The account pages offer two-step sign-in to role holders, staff, and anyone who has it
    on (no query: the request's scope and session)."""
    scope = scope_of(user)
    return bool(
        user.is_staff or scope.superuser or scope.district_ids or scope.committee_ids
        or scope.branch_ids or scope.unit_ids
        or request.session.get(TWO_FACTOR_STATE) == VERIFY
    )


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment -------------------------------------------------------------------------------


def pending_totp(user) -> TOTPDevice:
    """The user's authenticator being set up (not yet confirmed): the same one on every visit
    of the page, so a code scanned a moment ago still counts."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app without a camera."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def _check_allowed(device) -> None:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        seconds = max(1, int(locked_until.timestamp() - time.time()) + 1) if locked_until else 1
        raise ValidationError(
            _("Too many wrong codes. Wait %(seconds)s seconds and try again.")
            % {"seconds": seconds},
            code="throttled",
        )


def two_factor_enable(request, *, code: str) -> list[str]:
    """Confirm the authenticator being set up with a code it shows, turn two-step sign-in on
    and verify this session; returns the new backup codes (shown once)."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(
            user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise ValidationError(_("Open the set-up page again to scan a new code."))
        _check_allowed(device)
        # a wrong code counts against the device (throttling), so it is committed, not raised
        right = device.verify_token(code)
        if right:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_backup_codes(user)
    if not right:
        raise ValidationError(
            {"code": _("This code is not right. Type the 6 digits the app shows now.")})
    request.session.cycle_key()
    otp_login(request, device)
    request.session[TWO_FACTOR_STATE] = VERIFY
    return codes


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_renew(user) -> list[str]:
    """New backup codes for a user with two-step sign-in on; the old ones stop working."""
    with transaction.atomic():
        if confirmed_totp(user) is None:
            raise ValidationError(_("Two-step sign-in is not on."))
        return _new_backup_codes(user)


def two_factor_disable(request, *, code: str = "", password: str = "") -> None:
    """Turn two-step sign-in off, proved with a current code (or a backup code) or the
    password: every device of the user goes."""
    user = request.user
    if code:
        if verify_code(user, code) is None:
            raise ValidationError({"code": _("This code is not right.")})
    elif password:
        if not user.check_password(password):
            raise ValidationError({"password": _("This password is not right.")})
    else:
        raise ValidationError(_("Type a current code or your password."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[TWO_FACTOR_STATE] = ENROL if must_enrol(user) else ""


# --- the code step at sign-in ----------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def verify_code(user, code: str):
    """The user's device that accepts ``code`` (a 6-digit code for the authenticator, else a
    backup code, which is used up), or None. A device locked by wrong codes refuses with a
    ValidationError saying how long to wait (django-otp's throttling)."""
    code = normalise_code(code)
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in devices_for_user(user, confirmed=True):
        if not isinstance(device, kind):
            continue
        _check_allowed(device)
        verified = otp_verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def two_factor_verify(request, *, code: str):
    """The code step: the session is verified when ``code`` is right."""
    device = verify_code(request.user, code)
    if device is None:
        raise ValidationError(
            {"code": _("This code is not right or has expired. Type the code the app shows "
                       "now, or a backup code.")}
        )
    request.session.cycle_key()
    otp_login(request, device)
    return device
