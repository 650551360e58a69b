"""``manage.py backup`` and ``manage.py restore``: a backup restores into a new database with
every table's row count equal and the uploaded files equal; a damaged or tampered backup is
reported; no secret is written.

These run on the suite's database (SQLite, or PostgreSQL with pg_dump/pg_restore in CI). The
tests are transactional (``transaction=True``): the backup reads committed data only, as
pg_dump does from its own session.
"""

import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

import core.backup
from members.models import Member
from tests.factories import BranchFactory, CommitteeFactory, MemberFactory

pytestmark = pytest.mark.django_db


def live_counts():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def restored_names(url):
    """Members' names read back from the restored database, by its own driver."""
    sql = "SELECT name FROM members_member ORDER BY name"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return [row[0] for row in db.execute(sql)]
    import psycopg

    with psycopg.connect(url) as db:
        return [row[0] for row in db.execute(sql)]


def pg_url(name):
    conf = connection.settings_dict
    auth = quote(conf["USER"] or "", safe="")
    if conf["PASSWORD"]:
        auth += ":" + quote(conf["PASSWORD"], safe="")
    return f"postgresql://{auth}@{conf['HOST'] or 'localhost'}:{conf['PORT'] or 5432}/{name}"


@pytest.fixture(scope="module")
def pg_restore_database(django_db_setup, django_db_blocker):
    """One database for this module's restores (CREATE and DROP DATABASE each force a
    checkpoint, seconds on a busy server); each test empties it first."""
    import psycopg

    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"].removeprefix("test_")
    name = f"{name}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url("postgres"), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(pg_url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database_url(request, tmp_path):
    """A URL of a new, empty database of the suite's kind."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    import psycopg

    name = request.getfixturevalue("pg_restore_database")
    with psycopg.connect(pg_url(name), autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")
    return pg_url(name)


SECRET = "secret-key-that-signs-the-check-in-posters-" + uuid.uuid4().hex
PHOTO = Path("activities/2026/国庆晚会.jpg")
MINUTES = Path("meetings/minutes.pdf")


@dataclass
class Made:
    path: Path
    media: Path
    counts: dict
    names: list


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker, tmp_path_factory):
    """One backup of a small committed world for the module's tests (each copies it), then
    the world is flushed as after a transactional test: one flush, not one per test."""
    media = tmp_path_factory.mktemp("media")
    (media / PHOTO).parent.mkdir(parents=True)
    (media / PHOTO).write_bytes(b"\xff\xd8 photo " * 500)
    (media / MINUTES).parent.mkdir(parents=True)
    (media / MINUTES).write_bytes(b"%PDF-1.7 minutes")
    output = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock():
        try:
            committee = CommitteeFactory(name="学苑社区")
            branch = BranchFactory(committee=committee, name="学苑社区居民党支部")
            MemberFactory.create_batch(6, committee=committee, branch=branch)
            with override_settings(MEDIA_ROOT=media, SECRET_KEY=SECRET):
                call_command("backup", output=output, stdout=_Quiet())
            counts = live_counts()
            names = sorted(Member.objects.values_list("name", flat=True))
        finally:
            call_command("flush", interactive=False, verbosity=0)
    (path,) = output.iterdir()
    return Made(path=path, media=media, counts=counts, names=names)


@pytest.fixture
def backup(made, tmp_path):
    """A copy of the module's backup, for this test to read or damage."""
    return Path(shutil.copytree(made.path, tmp_path / made.path.name))


class _Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


def restore(backup, url, media_root, **kwargs):
    call_command(
        "restore", str(backup), database_url=url, media_root=media_root,
        stdout=_Quiet(), stderr=kwargs.pop("stderr", _Quiet()), **kwargs,
    )


def test_a_backup_restores_into_a_new_database_with_every_count_and_file_equal(
    made, backup, new_database_url, tmp_path
):
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"] == made.counts  # counted in the dump's snapshot
    assert manifest["tables"]["members_member"] == len(made.names) >= 6
    assert manifest["migrations"]["members"].startswith("00")
    assert (manifest["media"]["files"], manifest["media"]["bytes"]) == (2, 4500 + 16)

    restore(backup, new_database_url, tmp_path / "restored-media")  # no error: exit 0
    tables = manifest["tables"]  # bench/security_figures.py reads this line
    print(f"restore: {len(tables)} tables, {sum(tables.values())} rows, every count equal")

    assert restored_names(new_database_url) == made.names
    for name in (PHOTO, MINUTES):
        assert (tmp_path / "restored-media" / name).read_bytes() == (made.media / name).read_bytes()


def test_a_backup_is_one_directory_readable_by_its_owner_only(made):
    assert made.path.name.startswith("dadangwei-")
    assert made.path.stat().st_mode & 0o777 == 0o700
    names = {p.name for p in made.path.iterdir()}
    assert names == {"manifest.json", "media.tar.gz", core.backup.DUMP_FILES[connection.vendor]}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in made.path.iterdir())


def test_no_secret_is_written(made):
    for item in made.path.iterdir():
        assert SECRET.encode() not in item.read_bytes(), item.name
    manifest = (made.path / "manifest.json").read_text()
    assert "SECRET_KEY" in manifest  # only to say that it is not included
    assert "PASSWORD" not in manifest.upper()


def test_a_count_that_differs_from_the_manifest_is_reported(
    backup, new_database_url, tmp_path, capsys
):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["tables"]["members_member"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as raised:
        restore(backup, new_database_url, tmp_path / "restored-media", stderr=None)

    assert raised.value.returncode == 1
    assert "members_member" in capsys.readouterr().err


def test_a_damaged_dump_is_refused_and_nothing_is_restored(backup, new_database_url, tmp_path):
    dump = backup / core.backup.DUMP_FILES[connection.vendor]
    with dump.open("ab") as f:
        f.write(b"\0")

    with pytest.raises(CommandError) as raised:
        restore(backup, new_database_url, tmp_path / "restored-media")

    assert raised.value.returncode == 2
    assert core.backup.DUMP_FILES[connection.vendor] in str(raised.value)
    assert not (tmp_path / "restored-media").exists()


def test_a_database_that_is_not_empty_is_refused(backup, new_database_url, tmp_path):
    sql = "CREATE TABLE kept (id integer)"
    if new_database_url.startswith("sqlite"):
        with sqlite3.connect(new_database_url.removeprefix("sqlite:///")) as db:
            db.execute(sql)
    else:
        import psycopg

        with psycopg.connect(new_database_url, autocommit=True) as db:
            db.execute(sql)

    with pytest.raises(CommandError) as raised:
        restore(backup, new_database_url, tmp_path / "second")

    assert raised.value.returncode == 2
    assert "not empty" in str(raised.value) or "不是空的" in str(raised.value)
    assert restored_tables(new_database_url) == 1
    assert not (tmp_path / "second").exists()


def test_a_media_directory_that_holds_files_is_refused(backup, new_database_url, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")

    with pytest.raises(CommandError) as raised:
        restore(backup, new_database_url, tmp_path / "busy")

    assert raised.value.returncode == 2
    assert restored_tables(new_database_url) == 0


def restored_tables(url):
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='public'"
        ).fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writes_while_pg_dump_runs_are_in_neither_the_dump_nor_the_manifest(
    postgres_only, world, new_database_url, tmp_path, monkeypatch
):
    """pg_dump dumps the snapshot the manifest was counted in: a member committed after the
    counts and before pg_dump starts is in neither, so the restore's counts all equal."""
    run = core.backup._run
    before = Member.objects.count()

    def write_then_dump(command, env):
        if command[0] == "pg_dump":
            MemberFactory(committee=world.a, branch=world.a_branch)  # committed (autocommit)
        run(command, env)

    monkeypatch.setattr(core.backup, "_run", write_then_dump)
    call_command("backup", output=tmp_path / "backups", stdout=_Quiet())
    (path,) = (tmp_path / "backups").iterdir()

    assert Member.objects.count() == before + 1
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["tables"]["members_member"] == before
    restore(path, new_database_url, tmp_path / "restored-media")  # every count equal
    assert len(restored_names(new_database_url)) == before


def test_the_database_password_goes_to_pg_dump_by_its_environment_not_its_arguments():
    args, env = core.backup.pg_connection_args({
        "NAME": "dadangwei", "USER": "portal", "PASSWORD": "s3cret", "HOST": "db.internal",
        "PORT": 5433, "OPTIONS": {"sslmode": "require"},
    })

    assert args == [
        "--host=db.internal", "--port=5433", "--username=portal", "--dbname=dadangwei",
    ]
    assert "s3cret" not in " ".join(args)
    assert (env["PGPASSWORD"], env["PGSSLMODE"]) == ("s3cret", "require")


def test_a_missing_pg_dump_is_named(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(core.backup.BackupRefused, match="pg_dump.*postgresql-client"):
        core.backup._run(["pg_dump", "--version"], dict(os.environ))


def test_a_backup_that_fails_half_way_leaves_nothing_that_looks_like_one(tmp_path, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(core.backup, "_pack_media", full_disk)

    with pytest.raises(CommandError, match="No space left") as raised:
        call_command("backup", output=tmp_path / "backups", stdout=_Quiet())

    assert raised.value.returncode == 2
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_media_archive_with_a_path_leaving_its_directory_is_refused_before_anything(
    backup, new_database_url, tmp_path
):
    import io
    import tarfile

    archive = backup / core.backup.MEDIA_ARCHIVE
    with tarfile.open(archive, "w:gz") as tar:
        payload = b"not yours"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["media"].update(core.backup._file_facts(archive))  # the checksum says it is fine
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as raised:
        restore(backup, new_database_url, tmp_path / "a" / "b" / "media")

    assert raised.value.returncode == 2
    assert restored_tables(new_database_url) == 0  # the database was not touched
    assert not list(tmp_path.rglob("escaped.txt"))
