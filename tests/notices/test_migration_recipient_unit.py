"""A database at notices 0001 (receipts held by a committee or a branch) migrated to receipts
that may be held by a unit: every notice, receipt and reply is there as it was, and the new
constraint holds (exactly one holder; once per unit)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from notices.models import Notice, NoticeRecipient, NoticeReply

PREVIOUS = [("notices", "0001_initial")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def seed_previous(apps):
    get = apps.get_model
    district = get("committees", "District").objects.create(name="盐湖区")
    committee = get("committees", "Committee").objects.create(
        district=district, name="学苑社区", established=date(2018, 5, 1))
    branch = get("branches", "Branch").objects.create(
        committee=committee, kind="residents", name="学苑社区居民党支部")
    user = get("auth", "User").objects.create(username="secretary")
    at = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    from_district = get("notices", "Notice").objects.create(
        district=district, title="区通知", text="请报送", due_on=date(2026, 3, 20),
        reply_required=True, sent_at=at)
    from_committee = get("notices", "Notice").objects.create(
        district=district, sender_committee=committee, title="社区通知", text="请签收",
        due_on=date(2026, 3, 20), sent_at=at)
    Recipient = get("notices", "NoticeRecipient")
    replied = Recipient.objects.create(notice=from_district, committee=committee,
                                       state="replied", signed_at=at, signed_by=user)
    get("notices", "NoticeReply").objects.create(recipient=replied, text="已报送",
                                                 submitted_at=at, submitted_by=user)
    pending = Recipient.objects.create(notice=from_committee, branch=branch)
    unit = get("units", "Unit").objects.create(district=district, name="运城市第一医院",
                                               kind="state_enterprise")
    return {"committee": committee.pk, "branch": branch.pk, "replied": replied.pk,
            "pending": pending.pk, "unit": unit.pk, "notice": from_committee.pk}


@pytest.mark.django_db(transaction=True)
def test_receipts_of_committees_and_branches_are_kept_and_a_unit_may_hold_one():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    seeded = seed_previous(executor.loader.project_state(PREVIOUS).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Notice.objects.count() == 2 and NoticeRecipient.objects.count() == 2
    replied = NoticeRecipient.objects.get(pk=seeded["replied"])
    assert (replied.committee_id, replied.branch_id, replied.unit_id, replied.state) == (
        seeded["committee"], None, None, "replied")
    assert replied.holder.name == "学苑社区"
    assert NoticeReply.objects.get().recipient_id == replied.pk
    pending = NoticeRecipient.objects.get(pk=seeded["pending"])
    assert (pending.committee_id, pending.branch_id, pending.unit_id, pending.state) == (
        None, seeded["branch"], None, "pending")

    # a unit holds a receipt of its own, once, and never with another holder
    NoticeRecipient.objects.create(notice_id=seeded["notice"], unit_id=seeded["unit"])
    for holders in ({"unit_id": seeded["unit"]},  # twice
                    {"unit_id": seeded["unit"], "branch_id": seeded["branch"]},
                    {"unit_id": seeded["unit"], "committee_id": seeded["committee"]},
                    {}):  # none
        with transaction.atomic(), pytest.raises(IntegrityError):
            NoticeRecipient.objects.create(notice_id=seeded["notice"], **holders)
    assert NoticeRecipient.objects.count() == 3
