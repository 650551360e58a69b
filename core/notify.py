"""In-app notifications (the bell) and their emails.

``notify`` is idempotent: one notification per user and key (a unique constraint), so a
reminder job that runs twice, or is retried after a crash, leaves one. The email goes after
the transaction commits, claimed by setting ``emailed_at`` first, so it goes at most once.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

TEXT_LENGTH = Notification._meta.get_field("text").max_length
URL_LENGTH = Notification._meta.get_field("url").max_length


def notify(*, user, key: str, text: str, url: str = "") -> tuple[Notification, bool]:
    """The user's notification for ``key``, made now (``True``) or already there (``False``).

    A new one whose user has an email address is emailed once the transaction commits."""
    text = str(text)
    if len(text) > TEXT_LENGTH:
        text = text[: TEXT_LENGTH - 1] + "…"
    defaults = {"text": text, "url": url if len(url) <= URL_LENGTH else ""}
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                user=user, key=key, defaults=defaults
            )
    except IntegrityError:
        # Another worker made it between our read and our insert.
        notification, created = Notification.objects.get(user=user, key=key), False
    if created and user.email:
        transaction.on_commit(partial(send_notification_email, notification.pk), robust=True)
    return notification, created


def send_notification_email(notification_id: int) -> bool:
    """Email one notification unless it was emailed already; ``True`` when sent."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    body = notification.text
    if notification.url:
        base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
        body += f"\n\n{base}{notification.url}"
    try:
        send_mail(
            subject=notification.text[:60],
            message=body,
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except Exception:
        # Free the claim so a later attempt may send it; the notification itself stays.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        log.exception("could not email notification %s", notification_id)
        return False
    return True
