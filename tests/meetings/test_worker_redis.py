"""A real Celery worker against Redis and the test database runs the overdue-matter reminders:
the notifications land, and a second delivery of the same run adds none.

Runs when REDIS_URL is set and DATABASE_URL points at PostgreSQL (CI sets both)."""

import uuid
from datetime import date

import pytest

from config.celery import app
from core.models import Notification
from meetings.tasks import send_overdue_matter_reminders
from tests.factories import MatterFactory
from tests.workers import sending_to_the_broker, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A worker on its own queue, with the test database; yields (queue, log path)."""
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    process = start_worker(queue, log)
    try:
        with sending_to_the_broker():
            yield queue, log
    finally:
        stop_worker(process)
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


def test_a_real_worker_sends_each_reminder_once(world, worker):
    queue, log = worker
    matter = MatterFactory(committee=world.a, due_on=date(2026, 3, 1),
                           responsible_member=world.a_member)
    key = f"matter:{matter.pk}:overdue:2026-03-10"
    recipients = {world.secretary_a.pk, world.member_user.pk}

    send_overdue_matter_reminders.apply_async(kwargs={"today": "2026-03-10"}, queue=queue)
    wait_for(lambda: Notification.objects.filter(key=key).count() == len(recipients), log)

    # The same run delivered again, then the next day's run: the solo worker runs them in
    # order, so once the next day's reminders exist the repeat has run.
    send_overdue_matter_reminders.apply_async(kwargs={"today": "2026-03-10"}, queue=queue)
    send_overdue_matter_reminders.apply_async(kwargs={"today": "2026-03-11"}, queue=queue)
    next_key = f"matter:{matter.pk}:overdue:2026-03-11"
    wait_for(lambda: Notification.objects.filter(key=next_key).count() == len(recipients), log)

    assert set(Notification.objects.filter(key=key).values_list("user_id", flat=True)) == (
        recipients
    )
    assert Notification.objects.filter(key=key).count() == len(recipients)
