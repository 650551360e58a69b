"""Benchmark: importing an 11,000-row roster (the whole district's size) into one committee.

Prints, for .xlsx and .csv side by side: rows per second of the check (read + validate every
row) and of the write (bulk insert with audit entries), and the process's peak resident memory
after each step (a high-water mark: it only grows). A second run of the same file shows the
update paths: every row matched by ID number with a new address, then nothing changed.

    .venv/bin/python bench/import_roster.py                      # throwaway SQLite file
    DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench .venv/bin/python bench/import_roster.py

The database named by DATABASE_URL is migrated and its import-bench rows are replaced: never
point it at real data. Timings on a shared machine are noisy; compare the columns of one run.
"""

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
from members.import_writes import apply_plan  # noqa: E402
from members.imports import build_plan  # noqa: E402
from members.models import Member, Transfer  # noqa: E402
from members.roster_columns import HEADERS  # noqa: E402

ROWS = 11_000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "玉兰", "志强", "海燕", "丽娟", "晓明", "俊杰", "桂芳", "红梅"]
CATEGORIES = ["社区居民", "离退休干部", "在职党员", "小个专", "社区居民"]


def id_number(i: int) -> str:
    body = f"140802{1950 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster_rows(branches: list[str]) -> list[list[str]]:
    rows, seen = [], set()
    i = 0
    while len(rows) < ROWS:
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
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
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
    """(result, seconds, process peak RSS in MB after the step). tracemalloc is not used: it
    slows Python code several times over and would distort the rows per second."""
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started, peak_rss_mb()


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


def main():
    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    print(f"resident memory before: {peak_rss_mb():.0f} MB")
    engine = django.db.connection.vendor
    print(f"roster import benchmark: {ROWS:,} rows, database {engine}")
    print(f"{'file':6} {'step':16} {'seconds':>8} {'rows/s':>8} {'peak RSS':>8}  outcome")
    for kind, encode in (("xlsx", as_xlsx), ("csv", as_csv)):
        committee = fresh_committee(f"bench{kind}")
        branches = list(committee.branches.values_list("name", flat=True))
        rows = roster_rows(branches)
        moved = [[*row[:-1], row[-1] + "（新址）"] for row in rows]  # every address changes
        name = f"roster.{kind}"
        for label, content in (
            ("check (new)", encode(rows)), ("write (add)", None),
            ("check (moved)", encode(moved)), ("write (update)", None),
            ("check (again)", encode(moved)), ("write (no-op)", None),
        ):
            if content is not None:
                size = len(content) / 2**20
                plan, seconds, peak = measure(
                    lambda c=content, n=name, k=committee: build_plan(c, n, committee=k, user=None)
                )
                outcome = (f"add {len(plan.of('add'))}, update {len(plan.of('update'))}, "
                           f"unchanged {len(plan.of('unchanged'))}, bad {plan.bad_rows}; "
                           f"{size:.1f} MB file")
                assert plan.ok, plan.issues[:5]
            else:
                counts, seconds, peak = measure(lambda p=plan: apply_plan(p, user=None))
                outcome = f"added {counts['added']}, updated {counts['updated']}"
            print(f"{kind:6} {label:16} {seconds:8.2f} {ROWS / seconds:8,.0f} {peak:8.1f}  "
                  f"{outcome}")
    print(f"process peak resident memory: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
