"""Benchmark: structure and member pages at a small and a city-sized data set.

Prints p50/p90 latency and the SQL query count of each page at both sizes, side by side in
one run (timings on shared machines are noisy; compare the columns, not absolute numbers).

    .venv/bin/python bench/structure_pages.py                      # throwaway SQLite file
    DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench .venv/bin/python bench/structure_pages.py

The database named by DATABASE_URL is wiped and rebuilt: never point it at real data.
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ddw_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from branches.models import Branch  # noqa: E402
from committees.models import Committee, District, Seat, Venue  # noqa: E402
from core.models import RoleAssignment  # noqa: E402
from members.models import Member  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)
settings.ALLOWED_HOSTS = ["*"]
SIZES = [("small", 18, 30), ("city", 100, 10_000)]  # (label, committees, members per committee)


def build(label, n_committees, per_committee):
    district = District.objects.create(name=f"bench-{label}")
    committees = Committee.objects.bulk_create(
        [Committee(district=district, name=f"{label}-{i}社区") for i in range(n_committees)]
    )
    branches, venues = [], []
    for c in committees:
        for kind in ("residents", "retirees"):
            branches.append(Branch(committee=c, kind=kind, name=f"{c.name}{kind}"))
        # (a unit's party organisation exists once and joins committees through
        # CommitteeMembership; in-service groups are members.InServiceGroup, not branches)
        venues.append(Venue(committee=c, name="活动室", area=300))
    Branch.objects.bulk_create(branches, batch_size=2000)
    Venue.objects.bulk_create(venues, batch_size=2000)
    first_branch = {b.committee_id: b for b in Branch.objects.filter(committee__district=district)}
    for c in committees:
        Member.objects.bulk_create(
            [Member(name=f"党员{i}", committee=c, branch=first_branch[c.pk], category="resident",
                    name_pinyin=f"dangyuan{i}", name_initials=f"dy{i}",
                    mobile=f"139{i:08d}", mobile_tail=f"{i:08d}"[-4:])
             for i in range(per_committee)],
            batch_size=5000,
        )
        lead = Member.objects.filter(committee=c).first()
        Seat.objects.create(committee=c, role="secretary", member=lead, term_start="2021-05-01")
    user = get_user_model().objects.create(username=f"officer-{label}")
    RoleAssignment.objects.create(user=user, role="district_officer", district=district)
    return user, district, committees[0]


def measure(client, url, runs=30):
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)], len(ctx.captured_queries)


def main():
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    rows = []
    for label, n, per in SIZES:
        start = time.perf_counter()
        user, district, committee = build(label, n, per)
        built = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would have done by now
                cursor.execute("VACUUM ANALYZE")
        client = Client()
        client.force_login(user)
        member = Member.objects.filter(committee=committee).first()
        for page, url in (("district page", f"/districts/{district.pk}/"),
                          ("committee page", f"/committees/{committee.pk}/"),
                          ("roster", f"/committees/{committee.pk}/members/"),
                          ("roster page 5", f"/committees/{committee.pk}/members/?page=5"),
                          ("search initials", f"/committees/{committee.pk}/members/?q=dy12"),
                          ("search mobile", f"/committees/{committee.pk}/members/?q=0012"),
                          ("member page", f"/members/{member.pk}/")):
            p50, p90, queries = measure(client, url)
            rows.append((page, label, n, n * per, p50, p90, queries))
        print(f"built {label}: {n} committees, {n * per:,} members in {built:.1f}s", flush=True)
    print(f"\n{connection.vendor}")
    header = ("page", "size", "committees", "members", "p50 ms", "p90 ms", "queries")
    print("{:<16}{:<7}{:>11}{:>11}{:>9}{:>9}{:>9}".format(*header))
    for page, label, n, members, p50, p90, q in sorted(rows):
        print(f"{page:<16}{label:<7}{n:>11}{members:>11,}{p50:>9.1f}{p90:>9.1f}{q:>9}")


if __name__ == "__main__":
    main()
