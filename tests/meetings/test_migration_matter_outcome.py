"""A database at meetings 0002 (matters without risk flag, mediator or outcome) migrated to
visits and early warning: every matter is there as it was; a resolved one reads as resolved by
deliberation (the only way the portal knew), an escalated one as escalated, the others have no
outcome; none is flagged; and the new constraint holds."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from meetings.models import Matter, Visit

PREVIOUS = [("meetings", "0002_content_types_from_activities")]


def seed_previous(apps):
    get = apps.get_model
    district = get("committees", "District").objects.create(name="盐湖区")
    committee = get("committees", "Committee").objects.create(
        district=district, name="解放路社区", established=date(2018, 5, 1))
    Matter = get("meetings", "Matter")
    common = {"committee": committee, "kind": "dispute", "raised_by_name": "网格员",
              "description": "商户与住户争执", "raised_on": date(2026, 3, 1)}
    rows = {
        "open": Matter.objects.create(title="未办", status="open", **common),
        "deliberated": Matter.objects.create(title="已议", status="deliberated",
                                             decision="议定", **common),
        "in_progress": Matter.objects.create(title="办理中", status="in_progress",
                                             decision="办", **common),
        "resolved": Matter.objects.create(title="已办结", status="resolved",
                                          resolved_on=date(2026, 3, 2), decision="调解",
                                          **common),
        "escalated": Matter.objects.create(title="已上报", status="escalated",
                                           escalated_to="街道司法所", **common),
    }
    return {status: matter.pk for status, matter in rows.items()}


@pytest.mark.django_db(transaction=True)
def test_matters_are_carried_forward_with_the_outcome_their_status_implies():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    seeded = seed_previous(executor.loader.project_state(PREVIOUS).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Matter.objects.count() == 5
    outcomes = {status: Matter.objects.get(pk=pk).outcome for status, pk in seeded.items()}
    assert outcomes == {"open": "", "deliberated": "", "in_progress": "",
                        "resolved": "deliberated", "escalated": "escalated"}
    resolved = Matter.objects.get(pk=seeded["resolved"])
    assert (resolved.title, resolved.resolved_on, resolved.decision) == (
        "已办结", date(2026, 3, 2), "调解")
    assert not Matter.objects.filter(risk_flag=True).exists()
    assert not Matter.objects.filter(mediator__isnull=False).exists()
    assert not Matter.objects.filter(visit__isnull=False).exists()
    assert Visit.objects.count() == 0

    # the outcome follows the status from now on
    with transaction.atomic(), pytest.raises(IntegrityError):
        Matter.objects.filter(pk=seeded["open"]).update(outcome="deliberated")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Matter.objects.filter(pk=seeded["resolved"]).update(outcome="")
