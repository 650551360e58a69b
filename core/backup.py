"""Backups: one directory holding a consistent dump of the database, the uploaded files and a
manifest, and the restore that checks it (``manage.py backup``, ``manage.py restore``;
docs/operations.md says when and how).

Consistency. On PostgreSQL a REPEATABLE READ transaction exports its snapshot
(``pg_export_snapshot()``); the row counts and migration heads of the manifest are read in
that transaction and ``pg_dump --snapshot`` dumps the very same snapshot, so the manifest
describes exactly the dump, whatever is written meanwhile. On SQLite the online backup API
copies the database in one step under a read lock, and the manifest is counted from the copy.

Order. The uploaded files are packed after the database's snapshot is taken: a file is
written before the row that names it is committed, so every file a row of the dump names is
already there; a file uploaded meanwhile is an orphan, which is harmless. (A file deleted in
between, with its row, is the one gap: run backups at a quiet hour.)

Secrets are never written: not SECRET_KEY, not the database password (given to pg_dump
through its environment, never on its command line). A backup holds personal data: its
directory and files are readable by their owner only.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump / pg_restore, with argument lists, never a shell
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """Nothing was written: the backup, the target or a tool is not as it should be."""


@dataclass
class Restored:
    manifest: dict
    mismatches: list[str] = field(default_factory=list)
    unapplied_migrations: int = 0
    tables: int = 0
    rows: int = 0


# --- backup ---------------------------------------------------------------------------------

def make_backup(output: Path, *, alias: str = "default", media_root: Path | None = None) -> Path:
    """Write a backup directory under ``output`` and return its path.

    It is written as a hidden ``.partial`` directory and renamed when complete, so a backup
    that failed half-way never looks like one."""
    connection = connections[alias]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = datetime.now(UTC)
    output.mkdir(parents=True, exist_ok=True)
    final = _free_name(output, f"dadangwei-{now:%Y%m%dT%H%M%SZ}")
    work = output / f".{final.name}.partial"
    work.mkdir(mode=0o700)
    try:
        if connection.vendor == "postgresql":
            database = _dump_postgresql(alias, work / DUMP_FILES["postgresql"])
        elif connection.vendor == "sqlite":
            database = _copy_sqlite(alias, work / DUMP_FILES["sqlite"])
        else:
            raise BackupRefused(_("Backups support PostgreSQL and SQLite only."))
        media = _pack_media(media_root, work / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "database": database["database"],
            "migrations": database["migrations"],
            "tables": database["tables"],
            "media": media,
            "not_included": "SECRET_KEY and the environment (.env): keep them apart, "
                            "see docs/operations.md",
        }
        _write_private(work / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _free_name(output: Path, name: str) -> Path:
    candidate, n = output / name, 1
    while candidate.exists():
        n += 1
        candidate = output / f"{name}-{n}"
    return candidate


def _dump_postgresql(alias: str, path: Path) -> dict:
    """pg_dump -Fc of the snapshot in which the manifest's counts are read."""
    wrapper = connections.create_connection(alias)  # its own session, left in autocommit
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            tables = _count_rows(wrapper, cursor)
            migrations = _migration_heads(cursor, tables)
            args, env = pg_connection_args(wrapper.settings_dict)
            _run([
                "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password",
                f"--file={path}", *args,
            ], env)
            cursor.execute("ROLLBACK")
    finally:
        wrapper.close()
    path.chmod(0o600)
    return {
        "database": {
            "vendor": "postgresql", "server_version": server_version,
            "name": wrapper.settings_dict["NAME"], **_file_facts(path),
        },
        "tables": tables,
        "migrations": migrations,
    }


def _copy_sqlite(alias: str, path: Path) -> dict:
    """A copy by SQLite's online backup API (one step: a consistent snapshot), counted."""
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    path.chmod(0o600)
    with _open_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}) as copy:
        with copy.cursor() as cursor:
            tables = _count_rows(copy, cursor)
            migrations = _migration_heads(cursor, tables)
    return {
        "database": {
            "vendor": "sqlite", "server_version": sqlite3.sqlite_version, **_file_facts(path),
        },
        "tables": tables,
        "migrations": migrations,
    }


def _pack_media(media_root: Path, path: Path) -> dict:
    """The uploaded files as a tar.gz of paths relative to MEDIA_ROOT."""
    files = size = 0
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        if media_root.is_dir():
            for item in sorted(media_root.rglob("*")):
                if item.is_symlink():
                    continue  # uploads are files; a link (to outside, perhaps) is not kept
                tar.add(item, arcname=str(item.relative_to(media_root)), recursive=False)
                if item.is_file() and not item.is_symlink():
                    files += 1
                    size += item.stat().st_size
    path.chmod(0o600)
    return {**_file_facts(path), "files": files, "bytes": size}


# --- restore --------------------------------------------------------------------------------

def read_manifest(backup: Path) -> dict:
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupRefused(
            _("%(path)s is not a backup: its manifest.json is missing or unreadable.")
            % {"path": backup}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupRefused(_("This backup's format is not one this portal reads."))
    return manifest


def check_files(backup: Path, manifest: dict) -> None:
    """Refuse a backup whose dump or media archive is missing or not what was written."""
    for facts in (manifest["database"], manifest["media"]):
        path = backup / facts["file"]
        if not path.is_file() or _file_facts(path)["sha256"] != facts["sha256"]:
            raise BackupRefused(
                _("%(file)s is missing or damaged (its checksum differs from the manifest's).")
                % {"file": facts["file"]}
            )


def restore_backup(
    backup: Path, *, database_url: str, media_root: Path | None, with_media: bool = True
) -> Restored:
    """Restore ``backup`` into a new, empty database (and an empty MEDIA_ROOT), then compare
    the row count of every table with the manifest's.

    Everything is checked before anything is written: the files' checksums, the database
    kind, that the target database has no tables and that the media directory has no files."""
    manifest = read_manifest(backup)
    check_files(backup, manifest)
    config = database_config(database_url)
    vendor = "postgresql" if config["ENGINE"].endswith("postgresql") else "sqlite"
    if vendor != manifest["database"]["vendor"]:
        raise BackupRefused(
            _("This backup is of a %(kind)s database; give a %(kind)s database URL.")
            % {"kind": manifest["database"]["vendor"]}
        )
    with _open_database(config) as target:
        try:
            tables = target.introspection.table_names()
        except DatabaseError as exc:
            raise BackupRefused(
                _("Cannot open the target database: %(error)s") % {"error": exc}
            ) from None
        if tables:
            raise BackupRefused(
                _("The target database is not empty: restore into a new, empty database.")
            )
    if with_media:
        media_root = Path(media_root)
        if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
            raise BackupRefused(
                _("%(path)s already holds files: give an empty --media-root.")
                % {"path": media_root}
            )

    if with_media:
        _check_media(backup / MEDIA_ARCHIVE, media_root)  # before anything is written

    dump = backup / manifest["database"]["file"]
    if vendor == "postgresql":
        args, env = pg_connection_args(config)
        _run([
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
            "--single-transaction", "--no-password", *args, str(dump),
        ], env)
    else:
        _restore_sqlite(dump, Path(config["NAME"]))

    result = Restored(manifest=manifest)
    if with_media:
        result.mismatches += _unpack_media(backup / MEDIA_ARCHIVE, media_root, manifest["media"])
    with _open_database(config) as target:
        with target.cursor() as cursor:
            counts = _count_rows(target, cursor)
        executor = MigrationExecutor(target)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        result.unapplied_migrations = len(plan)
    result.mismatches += compare_counts(manifest["tables"], counts)
    result.tables, result.rows = len(counts), sum(counts.values())
    return result


def compare_counts(expected: dict, found: dict) -> list[str]:
    problems = []
    for table in sorted(expected.keys() | found.keys()):
        if table not in found:
            problems.append(_("table %(table)s: missing") % {"table": table})
        elif table not in expected:
            problems.append(_("table %(table)s: not in the backup") % {"table": table})
        elif expected[table] != found[table]:
            problems.append(
                _("table %(table)s: %(found)s rows, the backup had %(expected)s")
                % {"table": table, "found": found[table], "expected": expected[table]}
            )
    return problems


def _restore_sqlite(dump: Path, target: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _check_media(archive: Path, media_root: Path) -> None:
    """Every member of the archive passes tarfile's "data" filter (no path leaving the media
    directory, no link pointing out of it, no device), or nothing is restored."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                tarfile.data_filter(member, str(media_root))
    except (tarfile.TarError, OSError) as exc:
        raise BackupRefused(
            _("The media archive cannot be unpacked safely (%(error)s): nothing was restored.")
            % {"error": exc}
        ) from None


def _unpack_media(archive: Path, media_root: Path, facts: dict) -> list[str]:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    files = [p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()]
    found = (len(files), sum(p.stat().st_size for p in files))
    if found != (facts["files"], facts["bytes"]):
        return [
            _("media: %(files)s files (%(bytes)s bytes), the backup had %(efiles)s (%(ebytes)s)")
            % {"files": found[0], "bytes": found[1],
               "efiles": facts["files"], "ebytes": facts["bytes"]}
        ]
    return []


# --- shared ---------------------------------------------------------------------------------

def database_config(url: str) -> dict:
    try:
        config = environ.Env.db_url_config(url)
    except (KeyError, ValueError):
        raise BackupRefused(_("The database URL is not postgres://… or sqlite:///….")) from None
    if not config.get("ENGINE", "").endswith(("postgresql", "sqlite3")):
        raise BackupRefused(_("The database URL is not postgres://… or sqlite:///…."))
    return config


def pg_connection_args(config: dict) -> tuple[list[str], dict]:
    """pg_dump / pg_restore arguments for a database's settings; the password goes into the
    child's environment (PGPASSWORD), where ``ps`` does not show it."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if config.get(key):
            args.append(f"{flag}={config[key]}")
    args.append(f"--dbname={config['NAME']}")
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupRefused(
            _("%(tool)s is not installed (Debian: apt-get install postgresql-client).")
            % {"tool": command[0]}
        ) from None
    if done.returncode:
        raise BackupRefused(
            _("%(tool)s failed: %(error)s") % {"tool": command[0], "error": done.stderr.strip()}
        )


class _open_database:
    """A connection of its own to a database given by its settings (closed on leaving)."""

    def __init__(self, config: dict):
        self.handler = ConnectionHandler({"default": dict(config)})

    def __enter__(self):
        return self.handler["default"]

    def __exit__(self, *exc):
        self.handler.close_all()


def _count_rows(connection, cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        # Table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _migration_heads(cursor, tables) -> dict[str, str]:
    """The latest applied migration of each app (migration names sort by their number)."""
    if "django_migrations" not in tables:
        raise BackupRefused(
            _("The database has never been migrated: is DATABASE_URL the portal's database?")
        )
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    return dict(cursor.fetchall())


def _file_facts(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return {"file": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
