"""A database at members 0011 (one commitment per member and year, free-text progress) migrated
to kept commitments: every commitment is there as it was, made to its member's residence
committee, its progress carried as its first dated note, not reviewed; and a member may now
make several for a year. Migrating back puts the notes into progress again."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import Commitment, CommitmentNote

PREVIOUS = [("members", "0011_roster_import_checked_rows")]


def seed_previous(apps):
    get = apps.get_model
    district = get("committees", "District").objects.create(name="盐湖区")
    a = get("committees", "Committee").objects.create(
        district=district, name="学苑社区", established=date(2018, 5, 1))
    b = get("committees", "Committee").objects.create(
        district=district, name="御沁园社区", established=date(2018, 5, 1))
    Member = get("members", "Member")
    zheng = Member.objects.create(committee=a, name="郑优芳", category="resident",
                                  outside_organisation="运城市直机关工委")
    li = Member.objects.create(committee=b, name="李志强", category="in_service",
                                outside_organisation="运城市直机关工委")
    Commitment = get("members", "Commitment")
    with_progress = Commitment.objects.create(
        member=zheng, year=2025, text="每月参加一次志愿服务", progress=" 已参加十次 ", public=True)
    bare = Commitment.objects.create(member=li, year=2025, text="结对帮扶一户困难家庭")
    return {"with_progress": with_progress.pk, "bare": bare.pk, "a": a.pk, "b": b.pk,
            "zheng": zheng.pk}


@pytest.mark.django_db(transaction=True)
def test_commitments_are_carried_forward_with_progress_as_a_first_note():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    seeded = seed_previous(executor.loader.project_state(PREVIOUS).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Commitment.objects.count() == 2
    kept = Commitment.objects.get(pk=seeded["with_progress"])
    assert (kept.text, kept.year, kept.public, kept.committee_id) == (
        "每月参加一次志愿服务", 2025, True, seeded["a"])
    assert (kept.outcome, kept.reviewed_at) == ("", None)
    assert list(kept.notes.values_list("written_on", "text", "author")) == [
        (date(2025, 12, 31), "已参加十次", None)]
    bare = Commitment.objects.get(pk=seeded["bare"])
    assert bare.committee_id == seeded["b"] and not bare.notes.exists()
    # several a year now
    Commitment.objects.create(member_id=seeded["zheng"], committee_id=seeded["a"], year=2025,
                              text="牵头解决楼道照明", measure="matter")
    assert Commitment.objects.filter(member_id=seeded["zheng"], year=2025).count() == 2

    # and back: the notes return to progress (one commitment a year again, so the extra goes)
    Commitment.objects.filter(text="牵头解决楼道照明").delete()
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    apps = executor.loader.project_state(PREVIOUS).apps
    old = apps.get_model("members", "Commitment").objects.get(pk=seeded["with_progress"])
    assert old.progress == "已参加十次"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert CommitmentNote.objects.filter(commitment_id=seeded["with_progress"]).count() == 1
