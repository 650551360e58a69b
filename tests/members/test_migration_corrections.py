"""A database at members 0007 with roster imports (a ready one, an invalid one) migrated to
0008: each import is there as it was, with no file to correct yet (an import checked before
the file existed offers it after its next check)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import RosterImport

PREVIOUS = [("members", "0007_membership_rules")]


@pytest.mark.django_db(transaction=True)
def test_roster_imports_are_carried_forward_with_an_empty_file_to_correct():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    apps = executor.loader.project_state(PREVIOUS).apps
    district = apps.get_model("committees", "District").objects.create(name="盐湖区")
    committee = apps.get_model("committees", "Committee").objects.create(
        district=district, name="学苑社区", established=date(2018, 5, 1))
    Import = apps.get_model("members", "RosterImport")
    ready = Import.objects.create(committee=committee, filename="名册.xlsx", content=b"PK",
                                  status="ready", total_rows=3, to_add=3)
    invalid = Import.objects.create(committee=committee, filename="坏名册.xlsx",
                                    status="invalid", total_rows=2)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert RosterImport.objects.count() == 2
    kept = RosterImport.objects.get(pk=ready.pk)
    assert (kept.filename, bytes(kept.content), kept.status, kept.to_add) == (
        "名册.xlsx", b"PK", "ready", 3)
    assert bytes(kept.corrections) == b""
    assert RosterImport.objects.get(pk=invalid.pk).status == "invalid"
