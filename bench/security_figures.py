"""The figures of docs/security.md, from the tests that produce them.

    .venv/bin/python bench/security_figures.py            # SQLite (about two minutes)
    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/security_figures.py

Runs the scope, hostile-input, fault and backup tests and prints, per group, how many checks
passed (a parametrised test counts once per case), the URLs each persona's crawl opened, and
any failure. The faults that need PostgreSQL and Redis (a worker killed, a connection cut,
Redis flushed, a restore into a new PostgreSQL database) run only when both are set.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GROUPS = {
    "URL × persona checks (every URL pattern, each persona, status as expected)": [
        "tests/test_url_scope_matrix.py",
    ],
    "crawls (every link each persona reaches by GET: no full ID number, no link that fails)": [
        "tests/members/test_no_id_numbers_crawl.py",
    ],
    "scope rules (cross-committee reads, 404 for outsiders)": [
        "tests/core/test_scope.py", "tests/meetings/test_meeting_scope_fixes.py",
        "tests/units/test_cobuilding_scope.py", "tests/members/test_roster_reach.py",
    ],
    "hostile inputs refused with nothing written": [
        "tests/core/test_uploads.py", "tests/activities/test_photos.py",
        "tests/members/test_import.py", "tests/members/test_import_problems.py",
        "tests/core/test_control_characters.py", "tests/core/test_xlsx.py",
        "tests/activities/test_qr.py", "tests/meetings/test_meeting_qr.py",
        "tests/members/test_checkins.py", "tests/core/test_client_ip.py",
        "tests/core/test_two_factor.py", "tests/core/test_login.py",
    ],
    "faults survived (Redis down, broker away, worker killed, connection cut, Redis flushed)": [
        "tests/core/test_redis_down.py", "tests/core/test_queue.py",
        "tests/core/test_worker_faults.py", "tests/core/test_health.py",
    ],
    "backup and restore (row counts per table compared)": [
        "tests/core/test_backup.py",
    ],
}

CRAWLED = re.compile(r"^(\w+): (\d+) URLs in", re.M)
RESTORED = re.compile(r"^restore: (\d+) tables, (\d+) rows, every count equal", re.M)


class Tally:
    def __init__(self):
        self.outcomes: dict[str, Counter] = defaultdict(Counter)
        self.crawled: dict[str, int] = {}
        self.failed: list[str] = []
        self.restored: list[tuple[int, int]] = []

    def pytest_runtest_logreport(self, report):
        path = report.nodeid.split("::", 1)[0]
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.outcomes[path][report.outcome] += 1
            if report.outcome == "failed":
                self.failed.append(report.nodeid)
        if report.when == "call":
            for persona, count in CRAWLED.findall(report.capstdout):
                self.crawled[persona] = int(count)
            if report.outcome == "passed":
                self.restored += [(int(t), int(r)) for t, r in RESTORED.findall(report.capstdout)]


def main() -> int:
    tally = Tally()
    paths = [p for group in GROUPS.values() for p in group if (ROOT / p).exists()]
    code = pytest.main(["-q", "-p", "no:randomly", "--no-header", "-o", "addopts=",
                        "--import-mode=importlib", "-p", "no:cacheprovider", *paths],
                       plugins=[tally])
    print("\n=== figures ===")
    for title, group in GROUPS.items():
        passed = sum(tally.outcomes[p]["passed"] for p in group)
        failed = sum(tally.outcomes[p]["failed"] for p in group)
        skipped = sum(tally.outcomes[p]["skipped"] for p in group)
        print(f"{title}: {passed} passed, {failed} failed, {skipped} skipped")
    if tally.crawled:
        total = sum(tally.crawled.values())
        each = ", ".join(f"{k} {v}" for k, v in sorted(tally.crawled.items()))
        print(f"URLs crawled: {total} ({each})")
    for tables, rows in tally.restored:
        print(f"restored: {tables} tables, {rows} rows, every count equal to the manifest's")
    for nodeid in tally.failed:
        print("FAILED", nodeid)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
