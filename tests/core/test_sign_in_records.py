"""The nightly sweep of what sign-in leaves behind: expired sessions, failed attempts past
their lock time and old sign-in log rows go, the rest stays
(``core.tasks.clear_sign_in_records``)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_sign_in_records

pytestmark = pytest.mark.django_db


def test_expired_sessions_and_old_sign_in_logs_go_and_the_rest_stays(settings):
    now = timezone.now()
    Session.objects.create(session_key="expired" + "x" * 25, session_data="",
                           expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="current" + "y" * 25, session_data="",
                           expire_date=now + timedelta(days=1))
    old = AccessLog.objects.create(username="13800001111", ip_address="10.0.0.1",
                                   user_agent="Mozilla", path_info="/accounts/login/")
    AccessLog.objects.filter(pk=old.pk).update(
        attempt_time=now - timedelta(days=settings.SIGN_IN_LOG_KEEP_DAYS + 1))
    recent = AccessLog.objects.create(username="wang", ip_address="10.0.0.2",
                                      user_agent="Mozilla", path_info="/accounts/login/")

    stale = AccessAttempt.objects.create(username="li", ip_address="10.0.0.3",
                                         user_agent="Mozilla", failures_since_start=2)
    AccessAttempt.objects.filter(pk=stale.pk).update(attempt_time=now - timedelta(hours=2))
    fresh = AccessAttempt.objects.create(username="zhao", ip_address="10.0.0.4",
                                         user_agent="Mozilla", failures_since_start=1)

    assert clear_sign_in_records.delay().get() == 2

    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" + "y" * 25]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh.pk]  # locked yet
    assert clear_sign_in_records() == 0  # nothing more the second time
