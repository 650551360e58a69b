"""Benchmark: the pages served by gunicorn with production settings, side by side with the
Django admin's changelist of the same members and the trivial view (/healthz), measured with
wrk, on the districts ``bench/dashboard_vs_roster.py`` built; results into bench/RESULTS.md.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python bench/dashboard_vs_roster.py --members 200000   # builds, once
    .venv/bin/python bench/serve.py                                  # serves and measures it

For each district built (the demo 盐湖区 and the city bench-city) it makes three signed-in
sessions directly in the session store (a district officer and a superuser, each verified by a
confirmed authenticator as the second step, and the secretary of the largest committee), counts
each page's SQL queries in-process (django.test.Client, same settings, same sessions), then
starts gunicorn (2 workers, ``config.settings.production``) on 127.0.0.1 and has wrk (``apt-get
install -y wrk``; a small threaded Python client when it is missing) request each page for
``--duration`` seconds over ``--connections`` connections: p50, p95, requests per second.

Production settings need, and get here: SECRET_KEY (random, for this run), ALLOWED_HOSTS
(127.0.0.1, localhost, testserver), DEBUG=false and SECURE_SSL_REDIRECT=false (plain HTTP on the
loopback); static files are collected into staticfiles/ first (the manifest storage needs them).
PostgreSQL only; it adds users named bench-serve-* (removed again on the next run) and, in the
city, realistic names (bench/roster_pages.py): never point it at real data.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
}
os.environ.update(SERVE_ENV)

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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from activities.models import Activity  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from core.middleware import IDLE_LIMIT, IDLE_SEEN, idle_limit_for  # noqa: E402
from core.models import RoleAssignment  # noqa: E402
from core.two_factor import TWO_FACTOR_CHECKED, TWO_FACTOR_STATE, state_for  # noqa: E402
from members.models import Member  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
STARTED = datetime.now(UTC)
LOAD = os.getloadavg()  # at the start: the machine may be shared
DISTRICTS = (("demo", "盐湖区"), ("city", "bench-city"))
WORKERS = 2
# wrk's own summary lacks p95: a Lua ``done`` hook prints what is needed as JSON.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"p50": %d, "p95": %d, "requests": %d, "duration": %d, "errors": %d}\\n',
    latency:percentile(50), latency:percentile(95), summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


# --- sessions ----------------------------------------------------------------------------------


def session_for(user, verified=False):
    """What a sign-in (and, with ``verified``, the code step) leaves in a session, written to
    the configured store (cached_db with Redis: the database and the cache)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[IDLE_LIMIT] = idle_limit_for(user)
    store[IDLE_SEEN] = int(time.time())
    if verified:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[TWO_FACTOR_STATE] = state_for(user)
    store[TWO_FACTOR_CHECKED] = int(time.time())
    store.create()
    return store.session_key


def personas(district, committee, label):
    User = get_user_model()
    officer = User.objects.create(username=f"bench-serve-officer-{label}")
    RoleAssignment.objects.create(user=officer, role="district_officer", district=district)
    secretary = User.objects.create(username=f"bench-serve-secretary-{label}")
    RoleAssignment.objects.create(user=secretary, role="committee_secretary", committee=committee)
    admin = User.objects.create_superuser(f"bench-serve-admin-{label}", password=None)
    return {"officer": session_for(officer, verified=True),
            "secretary": session_for(secretary),
            "admin": session_for(admin, verified=True)}


# --- the pages -----------------------------------------------------------------------------------


def pages_of(district, committee, members):
    sample = Member.objects.filter(committee=committee).order_by("pk")[members // 2]
    activity = Activity.objects.filter(committee=committee).order_by("-starts_at").first()
    roster = f"/committees/{committee.pk}/members/"
    admin = f"/admin/members/member/?committee__id__exact={committee.pk}"
    deep = max(1, members // 50 - 1)
    tail = sample.mobile_tail or "0000"
    pages = [
        ("healthz (the floor)", "/healthz", None),
        ("admin changelist, committee", admin, "admin"),
        ("admin changelist, search 王", f"{admin}&q={quote('王')}", "admin"),
        ("roster, page 1", roster, "secretary"),
        (f"roster, page {deep}", f"{roster}?page={deep}", "secretary"),
        ("roster, search 王", f"{roster}?q={quote('王')}", "secretary"),
        (f"roster, search {sample.name_initials} (initials)",
         f"{roster}?q={sample.name_initials}", "secretary"),
        (f"roster, search {tail} (mobile tail)", f"{roster}?q={tail}", "secretary"),
        ("member page", f"/members/{sample.pk}/", "secretary"),
        ("committee page", f"/committees/{committee.pk}/", "secretary"),
    ]
    if activity:
        pages.append(("activity page", f"/activities/{activity.pk}/", "secretary"))
    pages += [
        ("district dashboard", f"/districts/{district.pk}/", "officer"),
        ("secretary's landing page", "/", "secretary"),
    ]
    return pages


def count_queries(pages, sessions):
    counts = {}
    for page, url, persona in pages:
        client = Client()
        if persona:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[persona]
        client.get(url)  # warm: caches, the session's idle touch
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{page}: {url} answered {response.status_code} in-process")
        counts[page] = len(ctx.captured_queries)
    return counts


# --- serving and measuring -----------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, url, cookie=None, conn=None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    return response.status, conn if response.getheader("Connection") != "close" else None


def start_gunicorn(port):
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    for _ in range(150):
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz")


def with_wrk(port, url, cookie, args, script):
    command = ["wrk", "-t", str(min(2, args.connections)), "-c", str(args.connections),
               "-d", f"{args.duration}s", "--latency", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{url}"],  # noqa: S603
                         capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line[len("BENCH "):])
    return {"p50": figures["p50"] / 1000, "p95": figures["p95"] / 1000,
            "rps": figures["requests"] / (figures["duration"] / 1e6), "errors": figures["errors"]}


def with_threads(port, url, cookie, args, _script):
    """The fallback without wrk: ``--connections`` threads, each requesting in a loop."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + args.duration

    def loop():
        conn, mine, bad = None, [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, conn = get(port, url, cookie, conn)
            except (OSError, http.client.HTTPException):
                status, conn = 0, None
            mine.append((time.perf_counter() - started) * 1000)
            bad += status != 200
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
            "rps": len(latencies) / elapsed, "errors": errors[0]}


def measure(port, pages, sessions, args):
    tool = with_wrk if shutil.which("wrk") and not args.python_client else with_threads
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT)
    rounds = {page: [] for page, _, _ in pages}
    try:
        for page, url, persona in pages:  # each page answers, signed in, before measuring
            cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[persona]}" if persona else None
            status, _ = get(port, url, cookie)
            if status != 200:
                sys.exit(f"{page}: {url} answered {status} through gunicorn")
        for _ in range(args.rounds):
            for page, url, persona in pages:
                cookie = (f"{settings.SESSION_COOKIE_NAME}={sessions[persona]}"
                          if persona else None)
                rounds[page].append(tool(port, url, cookie, args, f.name))
    finally:
        os.unlink(f.name)
    # the median of the rounds, figure by figure
    return {page: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            for page, runs in rounds.items()}, tool.__name__


# --- results -------------------------------------------------------------------------------------


def machine():
    memory = next((int(line.split()[1]) // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0) if Path("/proc/meminfo").exists() else 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    load = " ".join(f"{x:.1f}" for x in LOAD)
    return (f"{os.cpu_count()} cores (`nproc`), {memory:,} MB memory, load average {load} at the "
            f"start; PostgreSQL {pg}; Python {platform.python_version()}")


def section(label, sizes, figures, queries, tool, args):
    def p95(page):
        return figures[page]["p95"]

    def ratio(a, b):
        return f"{p95(a) / p95(b):.2f}" if a in figures and b in figures and p95(b) else "–"

    roster_pages = [p for p in figures if p.startswith("roster")]
    tool_line = (f"wrk, {min(2, args.connections)} threads, {args.connections} connections"
                 if tool == "with_wrk" else f"a Python client, {args.connections} threads")
    lines = [
        f"<!-- bench:{label} -->",
        f"## {label}: {sizes['members']:,} members",
        "",
        f"{STARTED:%Y-%m-%d %H:%M} UTC (the run's start). {sizes['committees']:,} committees, "
        f"{sizes['activities']:,} activities; the largest committee (the roster's, the admin's "
        f"filter) has {sizes['largest']:,} members.",
        f"Machine: {machine()}.",
        f"Served by gunicorn, {WORKERS} sync workers, `config.settings.production`, sessions "
        f"in {settings.SESSION_ENGINE.rsplit('.', 1)[-1]} with "
        f"{'Redis' if os.environ.get('REDIS_URL') else 'no cache server'}; {tool_line}, "
        f"{args.duration} s per page, median of {args.rounds} round(s). Queries counted "
        "in-process on the same sessions.",
        "",
        "| page | p50 ms | p95 ms | requests/s | queries | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for page, f in figures.items():
        lines.append(f"| {page} | {f['p50']:.1f} | {f['p95']:.1f} | {f['rps']:.0f} | "
                     f"{queries.get(page, 1)} | {f['errors']:.0f} |")
    lines += [
        "",
        "Ratios of p95 (the issue's targets: roster / admin ≤ 0.3 in the district, ≤ 0.12 in a "
        "city of a million; the dashboard no higher than the roster):",
        "",
        f"- roster page 1 / admin changelist, committee: "
        f"{ratio('roster, page 1', 'admin changelist, committee')}",
        f"- roster search 王 / admin changelist search 王: "
        f"{ratio('roster, search 王', 'admin changelist, search 王')}",
        f"- district dashboard / roster page 1: {ratio('district dashboard', 'roster, page 1')}",
        "- each roster page / healthz: " + ", ".join(
            f"{p.removeprefix('roster, ')} {ratio(p, 'healthz (the floor)')}"
            for p in roster_pages),
        f"<!-- /bench:{label} -->",
    ]
    return "\n".join(lines)


HEADER = """# Bench results

Written by `make bench` (bench/serve.py; README, "The bench"): each run replaces the section of
the size it measured. Timings on a shared machine are noisy: compare the rows and ratios of one
section, which were measured side by side in one run.
"""


def write_results(new_sections):
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    for label, body in new_sections.items():
        pattern = re.compile(rf"<!-- bench:{label} -->.*?<!-- /bench:{label} -->", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m, body=body: body, text)
        else:
            text = text.rstrip("\n") + "\n\n" + body + "\n"
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


# --- main ----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="demo,city",
                        help="which built districts to measure (demo, city)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--python-client", action="store_true", help="even if wrk is there")
    parser.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/serve.py needs PostgreSQL: set DATABASE_URL.")
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install -y wrk): using the Python client", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    get_user_model().objects.filter(username__startswith="bench-serve-").delete()

    wanted = args.sizes.split(",")
    plans = []
    for label, name in DISTRICTS:
        district = District.objects.filter(name=name).first()
        if label not in wanted:
            continue
        if district is None:
            print(f"{label}: no district {name} (build it with bench/dashboard_vs_roster.py)")
            continue
        if label == "city" and Member.objects.filter(
                committee__district=district, name__startswith="党员").exists():
            from roster_pages import name_the_city  # bench/, beside this file

            name_the_city(district)
        committee = (Committee.objects.filter(district=district)
                     .annotate(n=Count("members")).order_by("-n").first())
        sizes = {"members": Member.objects.filter(committee__district=district).count(),
                 "committees": district.committees.count(),
                 "activities": Activity.objects.filter(committee__district=district).count(),
                 "largest": committee.n}
        sessions = personas(district, committee, label)
        pages = pages_of(district, committee, committee.n)
        queries = count_queries(pages, sessions)
        plans.append((label, sizes, pages, sessions, queries))
    if not plans:
        sys.exit("nothing to measure")
    connection.close()  # gunicorn's workers get the database to themselves

    port = args.port or free_port()
    server = start_gunicorn(port)
    measured = {}
    try:
        time.sleep(2)  # both workers booted
        for label, sizes, pages, sessions, queries in plans:
            figures, tool = measure(port, pages, sessions, args)
            measured[label] = (sizes, figures, queries, tool)
            print(f"measured {label}", flush=True)
    finally:
        server.terminate()
        server.wait()

    sections = {label: section(label, sizes, figures, queries, tool, args)
                for label, (sizes, figures, queries, tool) in measured.items()}
    for body in sections.values():
        print("\n" + "\n".join(x for x in body.splitlines() if not x.startswith("<!--")))
    if not args.no_write:
        write_results(sections)
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
