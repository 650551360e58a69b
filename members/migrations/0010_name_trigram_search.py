"""The roster's search by part of a name is served by a trigram index on PostgreSQL.

``members.selectors.member_search`` looks a name up with ``name__contains`` (``LIKE '%芳%'``),
which no btree can serve. On PostgreSQL this creates the ``pg_trgm`` extension (trusted since
PostgreSQL 13: the database's owner may create it) and a GIN ``gin_trgm_ops`` index on the name,
which serves substrings of three or more characters; shorter ones read the committee's rows
through ``member_committee_name``. (The pinyin, initials and mobile-tail searches already have
their prefix and equality indexes, in the model's ``Meta.indexes``.)

Why here and not in ``Meta.indexes``: ``django.contrib.postgres.indexes.GinIndex`` with
``opclasses=["gin_trgm_ops"]`` makes SQLite, the default database, fail to migrate. So the
operation runs on PostgreSQL only and does nothing elsewhere; the model state is unchanged and
``makemigrations`` stays clean on both. Its reverse drops the index and leaves the extension
(something else may use it).
"""

from django.db import migrations

INDEX = "member_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member USING gin (name gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_correction_requests"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
