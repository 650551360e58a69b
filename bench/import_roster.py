"""Benchmark: importing an 11,000-row roster (the whole district's size) into one committee,
beside the floor: a bare openpyxl (or csv) read of the same file and a ``bulk_create`` loop.

Prints, for .xlsx and .csv side by side: the floor's rows per second, then the import as the
worker runs it (``members.import_writes``: the check, which reads and validates every row and
keeps the preview, then the confirmed write, with its audit entries and the import's state in
one transaction), each step's rows per second, the whole import's (check + write) and its
ratio to the floor, and the process's peak resident memory after each step (a high-water mark:
it only grows). A second import of the same people, every address changed, shows the update
path.

    .venv/bin/python bench/import_roster.py                      # throwaway SQLite file
    DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench_import \
        .venv/bin/python bench/import_roster.py
    .venv/bin/python bench/import_roster.py --rows 3000 --kinds xlsx   # smaller, quicker

The database named by DATABASE_URL is migrated and its import-bench rows are replaced: never
point it at real data. Give it a database of its own: the city ``make bench`` builds already
holds the ID numbers the import's people are given. Timings on a shared machine are noisy;
compare the columns of one run.
"""

import argparse
import csv
import io
import logging
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ddw_import_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402
from django.core.management import call_command  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from branches.models import Branch  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from members import import_writes  # noqa: E402
from members.models import ImportStatus, Member, RosterImport, Transfer  # noqa: E402
from members.roster_columns import HEADERS  # noqa: E402
from overview.figures import paused  # noqa: E402

ROWS = 11_000  # --rows
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "玉兰", "志强", "海燕", "丽娟", "晓明", "俊杰", "桂芳", "红梅"]
CATEGORIES = ["社区居民", "离退休干部", "在职党员", "小个专", "社区居民"]


def id_number(i: int) -> str:
    body = f"140802{1950 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster_rows(branches: list[str], count: int) -> list[list[str]]:
    rows, seen = [], set()
    i = 0
    while len(rows) < count:
        number = id_number(i)
        i += 1
        if number in seen:
            continue
        seen.add(number)
        n = len(rows)
        category = CATEGORIES[n % len(CATEGORIES)]
        outside = category == "在职党员"
        rows.append([
            SURNAMES[n % 20] + GIVEN[(n // 20) % 10] + "一二三四五六七八九十"[(n // 200) % 10],
            "", "汉族", number, f"139{n:08d}", f"{1980 + n % 40}-07-01", "", "正式党员",
            category, "" if outside else branches[n % len(branches)], "",
            "运城市直机关工委" if outside else "", f"学苑路{n % 300}号",
        ])
    return rows


def as_xlsx(rows) -> bytes:
    # Written as Excel or WPS saves a sheet: with its <dimension>. A write-only workbook has
    # none, and openpyxl then reads the whole sheet once more to size it when it opens it, the
    # floor's read as much as the import's (0.5 s of a 3 s check), which flattered the ratio:
    # 0.62-0.65 x on a write-only file, 0.55-0.58 x on this one (2026-11-30).
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "党员名册"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(step):
    """(result, seconds, process peak RSS in MB after the step, this process's CPU seconds).
    tracemalloc is not used: it slows Python code several times over and would distort the
    rows per second. The CPU seconds leave out the database server's work but hold still on a
    machine busy with other work, where the wall-clock seconds do not."""
    started, cpu = time.perf_counter(), time.process_time()
    result = step()
    return result, time.perf_counter() - started, peak_rss_mb(), time.process_time() - cpu


@paused()  # deleting members one signal each would count the committee's figures each time
def fresh_committee(label: str) -> Committee:
    district, _ = District.objects.get_or_create(name="import-bench")
    old = Member.objects.filter(committee__district=district)
    LogEntry.objects.filter(
        content_type__model="member", object_id__in=old.values("pk")
    ).delete()
    Transfer.objects.filter(member__in=old).delete()
    old.delete()
    Branch.objects.filter(committee__district=district).delete()
    Committee.objects.filter(district=district).delete()
    committee = Committee.objects.create(district=district, name=f"{label}社区")
    for kind in ("residents", "retirees"):
        Branch.objects.create(committee=committee, kind=kind, name=f"{label}{kind}党支部")
    return committee


def floor(content: bytes, kind: str, committee: Committee) -> int:
    """What any import must do at least: read every row of the file and insert it, in batches,
    in one transaction (no checks, no lookups, no audit entries)."""
    from django.db import transaction

    if kind == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
    else:
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        next(rows)
    branches = dict(committee.branches.values_list("name", "pk"))  # a row needs its membership
    done, batch = 0, []
    with transaction.atomic():
        for row in rows:
            batch.append(Member(committee=committee, name=row[0], id_number=row[3],
                                mobile=row[4], address=row[12] or "",
                                branch_id=branches.get(row[9]),
                                outside_organisation="" if row[9] else row[11]))
            if len(batch) == 500:
                Member.objects.bulk_create(batch)
                done, batch = done + len(batch), []
        Member.objects.bulk_create(batch)
    if kind == "xlsx":
        workbook.close()
    return done + len(batch)


def run_import(committee: Committee, name: str, content: bytes) -> RosterImport:
    """The worker's two steps of one upload, the user's confirmation between them."""
    roster_import = RosterImport.objects.create(committee=committee, filename=name,
                                                content=content)
    check = measure(lambda: import_writes.roster_import_check(roster_import.pk))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.READY, roster_import.report
    RosterImport.objects.filter(pk=roster_import.pk).update(status=ImportStatus.CONFIRMED)
    write = measure(lambda: import_writes.roster_import_write(roster_import.pk))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE, roster_import.message
    return roster_import, check, write


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--kinds", default="xlsx,csv")
    args = parser.parse_args()
    count = args.rows
    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    print(f"resident memory before: {peak_rss_mb():.0f} MB")
    engine = django.db.connection.vendor
    print(f"roster import benchmark: {count:,} rows, database {engine}")
    print(f"{'file':6} {'step':22} {'seconds':>8} {'rows/s':>8} {'CPU s':>6} {'peak RSS':>8}"
          "  outcome")

    def line(kind, label, seconds, peak, cpu, outcome=""):
        print(f"{kind:6} {label:22} {seconds:8.2f} {count / seconds:8,.0f} {cpu:6.2f} "
              f"{peak:8.1f}  {outcome}")

    for kind, encode in (("xlsx", as_xlsx), ("csv", as_csv)):
        if kind not in args.kinds.split(","):
            continue
        committee = fresh_committee(f"bench{kind}")
        branches = list(committee.branches.values_list("name", flat=True))
        rows = roster_rows(branches, count)
        content = encode(rows)
        name = f"roster.{kind}"
        inserted, floor_seconds, peak, floor_cpu = measure(
            lambda c=content, k=kind, m=committee: floor(c, k, m))
        line(kind, "floor: read + insert", floor_seconds, peak, floor_cpu,
             f"{inserted} rows; {len(content) / 2**20:.1f} MB file")
        with paused():
            Member.objects.filter(committee=committee).delete()
        moved = [[*row[:-1], row[-1] + "（新址）"] for row in rows]  # every address changes
        for label, file in (("add", content), ("update", encode(moved))):
            done, (_, check_s, check_peak, check_cpu), (_, write_s, write_peak, write_cpu) = (
                run_import(committee, name, file))
            line(kind, f"import {label}: check", check_s, check_peak, check_cpu,
                 f"add {done.to_add}, update {done.to_update}, unchanged {done.unchanged}")
            line(kind, f"import {label}: write", write_s, write_peak, write_cpu, done.message)
            total, cpu = check_s + write_s, check_cpu + write_cpu
            line(kind, f"import {label}: both", total, write_peak, cpu,
                 f"{floor_seconds / total:.2f} × the floor's rows per second "
                 f"({floor_cpu / cpu:.2f} × in CPU time)")
    print(f"process peak resident memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
