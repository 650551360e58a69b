"""Real Celery workers for the tests that need one (PostgreSQL and Redis, as CI's second pass
has): a worker process on the test database, started and stopped (or killed) by the test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.conf import settings

from config.celery import app

TIMEOUT = 60


def database_url() -> str:
    """The test database's URL, for the worker's ``DATABASE_URL``."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def start_worker(queues: str, log) -> subprocess.Popen:
    """A solo worker (its task runs in this process, so killing it kills the task) reading
    ``queues`` (comma-separated), its output appended to ``log``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CONN_MAX_AGE": "0",
        "DEBUG": "false",
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
             "--concurrency=1", "-Q", queues, "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def sending_to_the_broker():
    """Tasks sent from the test go to Redis (the test settings run them eagerly)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def wait_for(condition, log, timeout: float = TIMEOUT, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"not done in {timeout} s; the worker's log:\n{log.read_text()}")
