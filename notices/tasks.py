"""The notices' reminder, run daily by Celery beat (``CELERY_BEAT_SCHEDULE`` in settings): on
the eve of a notice's last open day (its due date, or the day it was reopened until) and on
that day, each recipient that has not signed it, or not replied where a reply is asked, is
reminded once (the key names the notice, the recipient and that day)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notice, NoticeRecipient, RecipientState
from .services import notify_holders

State = RecipientState


def _day(today) -> date:
    if today is None:
        return timezone.localdate()
    return today if isinstance(today, date) else date.fromisoformat(today)


def notice_reminders(*, today=None) -> int:
    """Remind the recipients still owing a sign-off or a reply; returns how many
    notifications are new."""
    today = _day(today)
    window = (today, today + timedelta(days=1))
    notices = Notice.objects.filter(
        Q(reopened_until__isnull=True, due_on__range=window) | Q(reopened_until__range=window)
    )
    owing = NoticeRecipient.objects.filter(notice__in=notices).filter(
        Q(state=State.PENDING) | Q(notice__reply_required=True, state__in=[
            State.SIGNED, State.RETURNED])
    ).select_related("notice").order_by("notice_id", "pk")

    def items():
        for recipient in owing:
            notice = recipient.notice
            last = notice.reopened_until or notice.due_on
            if recipient.state == State.PENDING:
                text = _("Sign off the notice “%(title)s” by %(date)s.")
            else:
                text = _("Reply to the notice “%(title)s” by %(date)s.")
            yield (recipient, f"notice:{notice.pk}:remind:{recipient.pk}:{last.isoformat()}",
                   text % {"title": notice.title, "date": last.isoformat()},
                   notice.get_absolute_url())

    return notify_holders(items())

@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             retry_backoff_max=600, max_retries=5)
def send_notice_reminders(today: str | None = None) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return notice_reminders(today=today)
