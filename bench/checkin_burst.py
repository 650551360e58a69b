"""Benchmark: 900 members checking in to one activity at the same moment, through gunicorn,
side by side with the trivial view (/healthz) on the same server.

Builds a district with one activity and 900 members (each with a session made as a sign-in two
hours earlier made it: in the configured session store, so with Redis the cache holds it), starts
gunicorn on the same database, then has every member open the QR check-in link and press
"check in" at once (64 client threads), each twice (a second scan must say "already checked
in"). Then the same number of requests to /healthz with the same client threads. Prints both
throughputs and their ratio, p50/p90/p99 latency, the status codes, the server's CPU per
request (gunicorn's workers and their PostgreSQL backends) and whether every member was
recorded exactly once. Timings on a shared 2-core machine are noisy: compare the two lines
of one run, and runs side by side.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench_checkin \
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/checkin_burst.py
    .venv/bin/python bench/checkin_burst.py --members 300   # smaller; SQLite (expect locking)

Without REDIS_URL sessions are read from the database on every request and the committee's
kept figures are counted inside each check-in (eager tasks): not how production runs.
The database named by DATABASE_URL is wiped and rebuilt: never point it at real data.
"""

import argparse
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

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.attendance import activity_qr_token  # noqa: E402
from activities.models import Activity, Attendance  # noqa: E402
from branches.models import Branch  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from core.middleware import IDLE_LIMIT, IDLE_SEEN, idle_limit_for  # noqa: E402
from core.two_factor import TWO_FACTOR_CHECKED, TWO_FACTOR_STATE, state_for  # noqa: E402
from members.models import Member  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)
PORT = 8765
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # 32 characters: an unmasked CSRF secret


def build(members):
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
        [User(username=f"v{i}", password=unusable) for i in range(members)], batch_size=1000
    )
    Member.objects.bulk_create(
        [Member(committee=committee, branch=branch, name=f"志愿者{i}", user=u)
         for i, u in enumerate(users)],
        batch_size=1000,
    )
    # What django.contrib.auth.login and the sign-in signals (core.middleware, core.two_factor)
    # put in a session, written to the configured store (cached_db with Redis: the database and
    # the cache).
    # Signed in two hours ago: the first scan renews the last-seen time (due every 100 minutes
    # for a member) and works out the two-step state again (due every minute), one session
    # write; the second scan writes nothing. As a crowd at an activity would come.
    signed_in = int(time.time()) - 2 * 3600
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in User.objects.filter(username__startswith="v"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[IDLE_LIMIT] = idle_limit_for(user)
        store[IDLE_SEEN] = signed_in
        store[TWO_FACTOR_STATE] = state_for(user)
        store[TWO_FACTOR_CHECKED] = signed_in
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


def get(path, session_key=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"} if session_key else {}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, time.perf_counter() - started, body


def cpu_seconds(pids) -> float:
    """User and system CPU time the processes ``pids`` have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server) -> tuple[list[int], list[int]]:
    """gunicorn's workers and the PostgreSQL backends serving this database (their
    connections are kept: CONN_MAX_AGE), so the CPU they spend can be counted per request."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                workers.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    backends = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            backends = [pid for (pid,) in cursor.fetchall()]
    return workers, backends


def burst(jobs, call):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(call, jobs))
    return results, time.perf_counter() - started


def report(label, results, elapsed):
    latencies = sorted(r[1] * 1000 for r in results)
    codes = {}
    for status, _, _ in results:
        codes[status] = codes.get(status, 0) + 1
    print(f"{label}: {len(results)} requests in {elapsed:.1f} s = {len(results) / elapsed:.0f}/s; "
          f"latency ms p50 {statistics.median(latencies):.0f}, "
          f"p90 {latencies[int(len(latencies) * 0.9)]:.0f}, "
          f"p99 {latencies[int(len(latencies) * 0.99)]:.0f}; "
          f"status codes {dict(sorted(codes.items()))}")
    return len(results) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=900)
    members = parser.parse_args().members
    activity, sessions = build(members)
    path = f"/activities/checkin/{activity_qr_token(activity)}/"
    # As production serves (README, "How it scales out"): 2 × cores + 1 sync workers.
    # Threads in each worker (gthread) cost more CPU per request and gave long latency tails.
    workers = 2 * (os.cpu_count() or 2) + 1
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        # Steady state before measuring: every worker booted, its database
        # connections open and the templates compiled (a GET of the scan page writes nothing).
        time.sleep(3)
        burst(sessions[:256], lambda key: get(path, key))
        burst(sessions[:256], lambda key: get("/healthz"))
        jobs = sessions + sessions  # every member scans twice
        # The server's CPU per request (its workers and their PostgreSQL backends) is counted
        # beside the throughput: on a machine shared with other work the throughput of two
        # bursts a few seconds apart varies with that work, their CPU per request much less.
        pids = server_pids(server)
        before = [cpu_seconds(p) for p in pids]
        results, elapsed = burst(jobs, lambda key: post(path, key))
        middle = [cpu_seconds(p) for p in pids]
        floor, floor_elapsed = burst(jobs, lambda key: get("/healthz"))
        after = [cpu_seconds(p) for p in pids]
    finally:
        server.terminate()
        server.wait()
    recorded = Attendance.objects.filter(activity=activity).count()
    distinct = Attendance.objects.filter(activity=activity).values("member").distinct().count()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}; sessions: {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}; "
          f"gunicorn: {workers} sync workers; 64 client threads")
    rate = report("check-in (each member twice)", results, elapsed)
    floor_rate = report("/healthz (same server, same clients)", floor, floor_elapsed)
    print(f"check-in / healthz throughput: {rate / floor_rate:.2f}")
    def per_request(start, end):  # ms of CPU per request: (workers, backends)
        return [(b - a) / len(jobs) * 1000 for a, b in zip(start, end, strict=True)]

    checkin_cpu, floor_cpu = per_request(before, middle), per_request(middle, after)
    print(f"server CPU per request, gunicorn workers + their PostgreSQL backends: check-in "
          f"{checkin_cpu[0]:.1f} + {checkin_cpu[1]:.1f} ms, /healthz {floor_cpu[0]:.1f} + "
          f"{floor_cpu[1]:.1f} ms; healthz / check-in: {sum(floor_cpu) / sum(checkin_cpu):.2f}")
    print(f"attendance rows: {recorded} for {distinct} members (expected {members} and {members})")


if __name__ == "__main__":
    main()
