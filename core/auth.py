"""Signing in with a mobile number (issue 14): members who signed up themselves have their
mobile as username already (Django's ModelBackend signs them in when typed as stored); this
backend, listed after it, reads the mobile as typed (spaces, dashes) and signs in a member whose
account a secretary made with the mobile on their member record. A mobile that two accounts
share signs no one in (their usernames still do)."""

import re

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

_MOBILE = re.compile(r"1\d{10}")


def accounts_of_mobile(mobile: str, *, typed: str | None = None):
    """The accounts a mobile signs in: one named by its 11 digits, or whose member record has
    it (through the tail's index); at most two are read (two mean nobody). ``typed``: the name
    as typed, already tried by ModelBackend."""
    User = get_user_model()
    users = User._default_manager.filter(
        Q(username=mobile) | Q(member__mobile_tail=mobile[-4:], member__mobile=mobile))
    if typed is not None:
        users = users.exclude(username=typed)
    return list(users.distinct()[:2])


class MobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        mobile = re.sub(r"[\s-]", "", str(username))
        if not _MOBILE.fullmatch(mobile):
            return None  # not a mobile: the username was ModelBackend's to try
        # an account named by the mobile as typed was tried; one named by its 11 digits (typed
        # with spaces or dashes) or whose member record has it (through the tail's index)
        users = accounts_of_mobile(mobile, typed=username)
        if len(users) != 1:
            # hash as a match would, so that the time taken does not tell whether the mobile
            # belongs to an account (as ModelBackend does for an unknown username)
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lift_sign_in_lock(user) -> None:
    """Lift django-axes' lock on the names ``user`` signs in with: the username, and the mobile
    of their member record. Called when a password is set through a reset link: the lockout
    page sends a member to their secretary for one, and the new password must let them in at
    once. The lock is kept per name as typed (and address): another spelling of the mobile
    lifts by itself after the cool-off. The mobile's lock is lifted only when the mobile signs
    in this account alone: a mobile that is another account's username, or that two records
    share, is not this user's to unlock (else resetting one's own password would lift the lock
    someone set off guessing another account)."""
    names = {user.get_username()}
    try:
        mobile = user.member.mobile
    except ObjectDoesNotExist:
        mobile = ""
    if mobile and [u.pk for u in accounts_of_mobile(mobile)] == [user.pk]:
        names.add(mobile)
    for name in names:
        axes_reset(username=name)


def client_ip(request) -> str | None:
    """The client's address as django-axes keys its locks on (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (the README's nginx is one), each appends the
    address it received from to ``X-Forwarded-For``: the client is the entry that many from the
    right, and entries further left (which the client could have written) are ignored. With no
    proxy trusted, the socket's address; a header too short to hold the client (a request that
    did not come through the proxies) falls back to it too."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
