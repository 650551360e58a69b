"""A real Celery worker against Redis and the test database runs the overdue-matter reminders:
the notifications land, and a second delivery of the same run adds none.

Runs when REDIS_URL is set and DATABASE_URL points at PostgreSQL (CI sets both)."""

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from urllib.parse import quote

import pytest
from django.conf import settings

from config.celery import app
from core.models import Notification
from meetings.tasks import send_overdue_matter_reminders
from tests.factories import MatterFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60


def database_url():
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def worker(tmp_path):
    """A worker on its own queue, with the test database; yields (queue, log path)."""
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CONN_MAX_AGE": "0",
        "DEBUG": "false",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue, log
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


def wait_for(condition, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"the worker did not finish in {TIMEOUT} s; its log:\n{log.read_text()}")


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
