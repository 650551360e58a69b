"""Benchmark: 900 members checking in to one activity at the same moment, through gunicorn.

Builds a district with one activity and 900 members (each with a signed-in session), starts
gunicorn on the same database, then has every member open the QR check-in link and press
"check in" at once (64 client threads), each twice (a second scan must say "already checked
in"). Prints throughput, p50/p90/p99 latency, the status codes, and whether every member was
recorded exactly once. Timings on a shared 2-core machine are noisy: compare runs side by side.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench_checkin \
        .venv/bin/python bench/checkin_burst.py
    .venv/bin/python bench/checkin_burst.py     # a throwaway SQLite file (expect locking)

The database named by DATABASE_URL is wiped and rebuilt: never point it at real data.
"""

import http.client
import logging
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ddw_bench_checkin.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.attendance import activity_qr_token  # noqa: E402
from activities.models import Activity, Attendance  # noqa: E402
from branches.models import Branch  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from members.models import Member  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)
MEMBERS = 900
PORT = 8765
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: an unmasked CSRF secret


def build():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    district = District.objects.create(name="bench")
    committee = Committee.objects.create(district=district, name="广场社区")
    branch = Branch.objects.create(committee=committee, kind="residents", name="居民党支部")
    now = timezone.now()
    activity = Activity.objects.create(
        committee=committee, title="清洁家园", line="public_welfare", status="open",
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
    )
    User = get_user_model()
    unusable = "!"  # no password: the sessions are made directly below
    users = User.objects.bulk_create(
        [User(username=f"v{i}", password=unusable) for i in range(MEMBERS)], batch_size=1000
    )
    Member.objects.bulk_create(
        [Member(committee=committee, branch=branch, name=f"志愿者{i}", user=u)
         for i, u in enumerate(users)],
        batch_size=1000,
    )
    sessions = []
    for user in User.objects.filter(username__startswith="v"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return activity, sessions


def post(path, session_key):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    cookie = (f"{settings.SESSION_COOKIE_NAME}={session_key}; "
              f"{settings.CSRF_COOKIE_NAME}={CSRF}")
    started = time.perf_counter()
    conn.request("POST", path, body="", headers={
        "Cookie": cookie, "X-CSRFToken": CSRF, "Referer": f"http://127.0.0.1:{PORT}/",
        "Content-Type": "application/x-www-form-urlencoded",
    })
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, time.perf_counter() - started, body


def main():
    activity, sessions = build()
    path = f"/activities/checkin/{activity_qr_token(activity)}/"
    workers = 2 * (os.cpu_count() or 2) + 1
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        jobs = sessions + sessions  # every member scans twice
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            results = list(pool.map(lambda key: post(path, key), jobs))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    latencies = sorted(r[1] * 1000 for r in results)
    codes = {}
    for status, _, _ in results:
        codes[status] = codes.get(status, 0) + 1
    recorded = Attendance.objects.filter(activity=activity).count()
    distinct = Attendance.objects.filter(activity=activity).values("member").distinct().count()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}; gunicorn: {workers} workers × 4 threads; 64 client threads")
    print(f"requests: {len(results)} in {elapsed:.1f} s = {len(results) / elapsed:.0f}/s")
    print(f"latency ms: p50 {statistics.median(latencies):.0f}, "
          f"p90 {latencies[int(len(latencies) * 0.9)]:.0f}, "
          f"p99 {latencies[int(len(latencies) * 0.99)]:.0f}")
    print(f"status codes: {dict(sorted(codes.items()))}")
    print(f"attendance rows: {recorded} for {distinct} members (expected {MEMBERS} and {MEMBERS})")


if __name__ == "__main__":
    main()
