"""Issue 16: on PostgreSQL the roster's search by part of a name is served by a trigram index
(members/migrations/0010_name_trigram_search.py); by initials and pinyin by prefix indexes, by
the mobile's last four digits by an equality index. (SQLite skips the trigram migration.)"""

import pytest
from django.db import connection, transaction

from members.models import Member
from members.selectors import member_search
from tests.factories import MemberFactory

pytestmark = pytest.mark.postgres


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # a test's few rows: without this the planner rightly reads the table instead
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)  # noqa: S608 - Django's own SQL
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_name_has_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'member_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition


@pytest.mark.parametrize(("text", "index"), [
    ("阳春晓", "member_name_trgm"),
    ("oycx", "member_initials_prefix"),
    ("ouyangchun", "member_pinyin_prefix"),
    ("9031", "member_mobile_tail"),
])
def test_each_kind_of_search_uses_its_index(world, text, index):
    MemberFactory(committee=world.a, branch=world.a_branch, name="欧阳春晓",
                  name_pinyin="ouyangchunxiao", name_initials="oycx", mobile_tail="9031")
    found = member_search(Member.objects.all(), text)
    assert [m.name for m in found] == ["欧阳春晓"]
    assert index in plan(found)
