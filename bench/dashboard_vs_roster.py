"""Benchmark: the district dashboard against a committee roster and /healthz, on the demo
district (``seed_demo``) and on a city-sized one, side by side in one run.

Prints p50/p95 latency and the SQL query count of each page at both sizes, and how long the
counting of every committee's kept figures takes (what Celery beat does every ten minutes;
``overview/figures.py``). Timings on shared machines are noisy: compare the columns.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench
    .venv/bin/python bench/dashboard_vs_roster.py           # the demo, and 200,000 members
    .venv/bin/python bench/dashboard_vs_roster.py --members 1000000 --committees 200

PostgreSQL only (the city is written with INSERT … SELECT generate_series). The database
named by DATABASE_URL is wiped and rebuilt: never point it at real data. ``--reuse`` measures
again what the last run built (after migrating it: the code under test may have changed).
"""

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from activities.models import Activity, Attendance, Funding  # noqa: E402
from branches.models import Branch  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from core.models import RoleAssignment  # noqa: E402
from meetings.models import Matter, Meeting  # noqa: E402
from members.models import CheckIn, Member  # noqa: E402
from overview import figures  # noqa: E402
from overview.dashboard import district_dashboard  # noqa: E402
from overview.periods import year_period  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)
settings.ALLOWED_HOSTS = ["*"]

# Of every ten members: three in service (most of them checked in), three residents, two
# retired cadres, one small business, one other.
CATEGORIES = ["in_service", "resident", "retired_cadre", "in_service", "resident",
              "small_business", "in_service", "retired_cadre", "resident", "other"]


def officer_of(district, label):
    user = get_user_model().objects.create(username=f"officer-{label}")
    RoleAssignment.objects.create(user=user, role="district_officer", district=district)
    return user


BORN_FROM, BORN_DAYS = date(1950, 1, 1), 18_000  # born 1950 to 1999


def city_member(g, **fields):
    """The ``g``-th member of the city: a valid, unique ID number (盐湖区's area code, a birth
    date, a sequence whose parity gives the gender, the check digit) with its birth date and
    gender, a mobile; named afterwards by ``roster_pages.name_the_city``."""
    born = BORN_FROM + timedelta(days=g % BORN_DAYS)
    sequence = g // BORN_DAYS
    stem = f"140802{born:%Y%m%d}{sequence:03d}"
    return Member(
        name=f"党员{g}", category=CATEGORIES[g % 10], mobile=f"139{g:08d}",
        mobile_tail=f"{g:08d}"[-4:], id_number=stem + ric.calc_check_digit(stem + "0"),
        birth_date=born, gender="M" if sequence % 2 else "F", **fields,
    )


def build_city(n_members, n_committees, per_activity=15):
    """A district of ``n_members`` in ``n_committees`` committees, with two years of
    activities (one for every ten members), ``per_activity`` attendances each, a funding line
    for every fourth activity and the in-service members' check-ins."""
    district = District.objects.create(name="bench-city")
    committees = Committee.objects.bulk_create(
        [Committee(district=district, name=f"城{i:03d}社区") for i in range(n_committees)])
    branches = Branch.objects.bulk_create(
        [Branch(committee=c, kind=kind, name=f"{c.name}{kind}")
         for c in committees for kind in ("residents", "retirees")], batch_size=5000)
    first_branch = {b.committee_id: b for b in branches if b.kind == "residents"}
    per = n_members // n_committees
    for n, c in enumerate(committees):
        Member.objects.bulk_create(
            [city_member(n * per + i, committee=c, branch=first_branch[c.pk])
             for i in range(per)], batch_size=5000)
    from roster_pages import name_the_city  # bench/, beside this file (it imports this one)

    name_the_city(district)  # realistic names, pinyin and initials, in one UPDATE
    activities_per = max(1, per // 10)
    with connection.cursor() as cursor:
        params = {"district": district.pk, "per": activities_per}
        cursor.execute("""
            INSERT INTO activities_activity (title, line, category, place, starts_at, ends_at,
                description, status, outcome, signed_up, created_at, updated_at,
                committee_id)
            SELECT 'bench ' || g,
                   (ARRAY['party_building','public_welfare','service','shared_results'])
                       [1 + (g + c.id) %% 4],
                   '', '', t.at, t.at + interval '2 hours', '',
                   CASE WHEN g %% 10 = 0 THEN 'cancelled'
                        WHEN t.at < now() THEN 'held' ELSE 'open' END,
                   '', 0, now(), now(), c.id
            FROM committees_committee c
            CROSS JOIN generate_series(1, %(per)s) g
            CROSS JOIN LATERAL (SELECT now() - interval '730 days'
                                + g * (interval '760 days' / %(per)s)
                                + ((c.id * 7 + g * 13) %% 14) * interval '1 hour' AS at) t
            WHERE c.district_id = %(district)s
        """, params)
        cursor.execute("""
            WITH span AS (SELECT m.committee_id, min(m.id) AS lo, count(*) AS n
                          FROM members_member m JOIN committees_committee c
                               ON c.id = m.committee_id AND c.district_id = %(district)s
                          GROUP BY m.committee_id)
            INSERT INTO activities_attendance (method, hours, reason, checked_in_at,
                activity_id, member_id)
            SELECT 'qr', 1 + (a.id + j) %% 4 * 0.5, '', a.starts_at, a.id,
                   s.lo + (a.id * 37 + j * 101) %% s.n
            FROM activities_activity a JOIN span s ON s.committee_id = a.committee_id
            CROSS JOIN generate_series(1, %(attend)s) j
            WHERE a.status = 'held'
            ON CONFLICT DO NOTHING
        """, {"district": district.pk, "attend": per_activity})
        cursor.execute("""
            INSERT INTO activities_funding (source, donor, amount, state, date, note,
                created_at, activity_id, committee_id)
            SELECT (ARRAY['government','community','volunteer'])[1 + a.id %% 3], '某某',
                   100 + a.id %% 900,
                   CASE WHEN a.id %% 5 = 0 THEN 'pledged' ELSE 'received' END,
                   (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date, '', now(), a.id,
                   a.committee_id
            FROM activities_activity a JOIN committees_committee c ON c.id = a.committee_id
            WHERE c.district_id = %(district)s AND a.id %% 4 = 0
        """, params)
        cursor.execute("""
            INSERT INTO members_checkin (status, requested_at, return_reason, started_on,
                ended_on, committee_id, member_id, end_note, end_reason)
            SELECT CASE WHEN m.id %% 6 = 0 THEN 'pending' ELSE 'confirmed' END, now(), '',
                   CASE WHEN m.id %% 6 = 0 THEN NULL
                        ELSE current_date - (m.id %% 700)::int END,
                   NULL, m.committee_id, m.id, '', ''
            FROM members_member m JOIN committees_committee c ON c.id = m.committee_id
            WHERE c.district_id = %(district)s AND m.category = 'in_service'
        """, params)
    build_meetings_and_matters(committees, branches)
    return district


def build_meetings_and_matters(committees, branches):
    """Two years of meetings (each committee's monthly meeting, each branch's 支委会 monthly,
    党员大会 and 党课 quarterly) and 60 matters per committee in every status: what the
    compliance and matters figures read."""
    now = timezone.now()
    meetings = []
    for month in range(24):
        at = now - timedelta(days=30 * month + 3)
        meetings += [Meeting(committee=c, kind="monthly", starts_at=at, status="held")
                     for c in committees]
        meetings += [Meeting(committee_id=b.committee_id, branch=b, kind=kind, starts_at=at,
                             status="held")
                     for b in branches
                     for kind in (("branch_committee", "branch_assembly", "lecture")
                                  if month % 3 == 0 else ("branch_committee",))]
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    statuses = ["open", "deliberated", "in_progress", "resolved", "resolved", "escalated"]
    # how each closed one ended (meetings' matter_outcome_follows_status): one resolved on the
    # spot, one by deliberation, the escalated one escalated
    outcomes = ["", "", "", "on_the_spot", "deliberated", "escalated"]
    today = timezone.localdate()
    Matter.objects.bulk_create([
        Matter(committee=c, title=f"议题{i}", kind="service", description="bench",
               raised_on=today - timedelta(days=7 * i), status=statuses[i % 6],
               due_on=today - timedelta(days=7 * i - 30),
               resolved_on=today - timedelta(days=7 * i - 20) if i % 6 in (3, 4) else None,
               escalated_to="街道" if i % 6 == 5 else "", outcome=outcomes[i % 6])
        for c in committees for i in range(60)], batch_size=5000)


def measure(client, url, runs):
    for _ in range(2):  # warm
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], len(
        ctx.captured_queries)


def sizes_of(district):
    return {
        "committees": district.committees.count(),
        "members": Member.objects.filter(committee__district=district).count(),
        "activities": Activity.objects.filter(committee__district=district).count(),
        "attendances": Attendance.objects.filter(
            activity__committee__district=district).count(),
        "funding": Funding.objects.filter(committee__district=district).count(),
        "checkins": CheckIn.objects.filter(committee__district=district).count(),
        "meetings": Meeting.objects.filter(committee__district=district).count(),
        "matters": Matter.objects.filter(committee__district=district).count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--committees", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-demo", action="store_true", help="the city only (quicker)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the districts a previous run built (after migrating)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/dashboard_vs_roster.py needs PostgreSQL: set DATABASE_URL.")
    create_database_if_missing()

    if args.reuse:
        call_command("migrate", verbosity=0)
        names = (("demo", "盐湖区"), ("city", "bench-city"))
        built = [(label, district, 0) for label, name in names
                 for district in District.objects.filter(name=name)]
        get_user_model().objects.filter(username__startswith="officer-").delete()
    else:
        built = build(args)
    with connection.cursor() as cursor:  # what autovacuum would have done by now
        cursor.execute("VACUUM ANALYZE")
    measure_all(args, built)


def create_database_if_missing():
    """A fresh machine has no bench database yet: create it, through the server's own
    ``postgres`` database."""
    import psycopg
    from django.db import OperationalError

    try:
        connection.ensure_connection()
        return
    except OperationalError:
        pass
    db = connection.settings_dict
    with psycopg.connect(dbname="postgres", host=db["HOST"] or None, port=db["PORT"] or None,
                         user=db["USER"] or None, password=db["PASSWORD"] or None,
                         autocommit=True) as admin:
        admin.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(
            psycopg.sql.Identifier(db["NAME"])))
    print(f"created the database {db['NAME']}")


def build(args):
    with connection.cursor() as cursor:  # wiped whole: no migration state left behind
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    built = []
    if not args.no_demo:
        start = time.perf_counter()
        call_command("seed_demo", force=True, verbosity=0)  # DEBUG is off here
        demo = District.objects.get(name="盐湖区")
        built.append(("demo", demo, time.perf_counter() - start))
    start = time.perf_counter()
    city = build_city(args.members, args.committees)
    built.append(("city", city, time.perf_counter() - start))
    return built


def measure_all(args, built):
    # As a server process does once loaded (config.wsgi): start-up objects out of the
    # collector's full collections.
    from core.startup import warm_and_freeze

    warm_and_freeze()
    rows, notes = [], []
    for label, district, seconds in built:
        sizes = sizes_of(district)
        start = time.perf_counter()
        for committee_id in district.committees.values_list("pk", flat=True):
            figures.count_committee(committee_id)
        counted = time.perf_counter() - start
        start = time.perf_counter()
        for committee_id in district.committees.values_list("pk", flat=True):
            figures.count_committee(committee_id)
        recounted = time.perf_counter() - start
        notes.append(f"{label}: built in {seconds:.0f}s; " + ", ".join(
            f"{n:,} {name}" for name, n in sizes.items())
            + f"; counting every committee: {counted:.1f}s the first time,"
            f" {recounted:.1f}s again (nothing changed)")
        largest = (Committee.objects.filter(district=district)
                   .annotate(n=Count("members")).order_by("-n").first())
        client = Client()
        client.force_login(officer_of(district, label))
        year = time.localtime().tm_year
        kept_seconds = settings.DASHBOARD_SNAPSHOT_SECONDS or 300
        for page, url, snapshot in (
            ("district page, this year, counted on each view", f"/districts/{district.pk}/", 0),
            ("district page, last year, counted on each view",
             f"/districts/{district.pk}/?period=year&year={year - 1}", 0),
            ("district page, a month, counted on each view",
             f"/districts/{district.pk}/?period=month&year={year}&month=3", 0),
            # as served: the page's figures kept in the cache for a few minutes
            # (overview/snapshots.py), this year's warmed by the beat after each counting
            ("district page, this year, kept figures (as served)", f"/districts/{district.pk}/",
             kept_seconds),
            ("roster (largest committee)", f"/committees/{largest.pk}/members/", 0),
            ("healthz", "/healthz", 0),
        ):
            settings.DASHBOARD_SNAPSHOT_SECONDS = snapshot
            p50, p95, queries = measure(client, url, args.runs)
            rows.append((label, page, sizes["members"], p50, p95, queries))
        settings.DASHBOARD_SNAPSHOT_SECONDS = kept_seconds
        # The dashboard's own figures (overview/dashboard.py), without the rest of the district
        # page (its committee cards and co-building totals, counted elsewhere).
        this_year = year_period(year)
        district_dashboard(district, this_year)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            district_dashboard(district, this_year)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            district_dashboard(district, this_year)
        times.sort()
        rows.append((label, "dashboard figures only", sizes["members"], statistics.median(times),
                     times[min(len(times) - 1, int(len(times) * 0.95))],
                     len(ctx.captured_queries)))
        print(f"measured {label}", flush=True)

    print(f"\n{connection.vendor}, {args.runs} runs per page")
    for note in notes:
        print(note)
    print("\n{:<6}{:<52}{:>11}{:>9}{:>9}{:>9}".format(
        "size", "page", "members", "p50 ms", "p95 ms", "queries"))
    for label, page, members, p50, p95, queries in rows:
        print(f"{label:<6}{page:<52}{members:>11,}{p50:>9.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
