"""Who hears, in the bell, that a 报到, a registration (注册), an activity sign-up (报名) or a
transfer changed: the member when the committee decides, the committee's side when a member
asks. Services call these after their state change, inside their transaction; a refused
action raises before it and tells no one.

Notifications go through ``core.notify`` (one per user and key, emailed on commit where the
user has an address), so each key names one event: a sign-up returned twice is told twice
because the key carries the moment of each return. Texts are written in the portal's
language, not the deciding secretary's: the reader is someone else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from core.notify import notify
from core.scope import role_holders


def stamp(moment) -> str:
    """A state change's moment as a key part (microseconds: two changes never share it)."""
    return moment.strftime("%Y%m%dT%H%M%S%f") if moment else "undated"


def _text(message, params: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % {k: str(v) for k, v in params.items()}


def tell_user(user, *, key: str, message, params: dict, url: str) -> bool:
    """Tell one account (a member's, a registrant's); ``None`` or a deactivated account hears
    nothing. ``True`` when the notification is new."""
    if user is None or not user.is_active:
        return False
    return notify(user=user, key=key, text=_text(message, params), url=url)[1]


def committee_side(committee_id: int) -> list:
    """The active users who confirm a committee's 报到 and approve its registrations: its
    secretaries and staff (``core.scope.role_holders``, the rule ``scope_of`` reads), by id.
    Two queries at most."""
    ids = role_holders("committee", [committee_id]).get(committee_id)
    if not ids:
        return []
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def tell_committee_side(committee_id: int, *, key: str, message, params: dict, url: str) -> int:
    """Tell the committee's side; returns how many notifications are new."""
    text = _text(message, params)
    return sum(
        notify(user=user, key=key, text=text, url=url)[1] for user in committee_side(committee_id)
    )
