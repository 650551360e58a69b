"""A database before venue improvements, keepers and joint meetings (committees 0004,
activities 0003, meetings 0002) migrated forward: every venue keeps its area (today's area, with
no improvement recorded, so its history is flat) and has no keeper; every meeting keeps its kind,
and the holder's constraint still holds with the two new committee kinds."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from activities import venues
from activities.models import VenueImprovement
from committees.models import District, Venue
from meetings.models import JointInvitation, Meeting

BEFORE = {
    "committees": "0004_committee_term",
    "activities": "0003_meetings_moved_to_meetings_app",
    "meetings": "0002_content_types_from_activities",
}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def previous(executor):
    return [(app, BEFORE.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()]


def seed(apps):
    get = apps.get_model
    district = get("committees", "District").objects.create(name="盐湖区")
    committee = get("committees", "Committee").objects.create(district=district, name="学苑社区")
    branch = get("branches", "Branch").objects.create(
        committee=committee, kind="residents", name="学苑社区居民党支部")
    Venue = get("committees", "Venue")
    centre = Venue.objects.create(committee=committee, name="党群服务中心", area=Decimal("420.5"))
    room = Venue.objects.create(committee=committee, name="党员活动室", area=Decimal("90"))
    Meeting = get("meetings", "Meeting")
    at = datetime(2026, 3, 10, 15, tzinfo=SHANGHAI)
    monthly = Meeting.objects.create(committee=committee, kind="monthly", starts_at=at,
                                     status="held")
    joint = Meeting.objects.create(committee=committee, kind="joint", starts_at=at)
    lecture = Meeting.objects.create(committee=committee, branch=branch, kind="lecture",
                                     starts_at=at, status="held")
    return {"venues": {centre.pk: Decimal("420.5"), room.pk: Decimal("90.0")},
            "kinds": {monthly.pk: "monthly", joint.pk: "joint", lecture.pk: "lecture"},
            "committee": committee.pk, "branch": branch.pk, "district": district.pk}


@pytest.mark.django_db(transaction=True)
def test_venues_keep_their_area_and_meetings_their_kind():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    before = previous(executor)
    executor.migrate(before)
    executor.loader.build_graph()
    seeded = seed(executor.loader.project_state(before).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert {v.pk: v.area for v in Venue.objects.all()} == seeded["venues"]
    assert not Venue.objects.filter(keeper__isnull=False).exists()
    assert not VenueImprovement.objects.exists()
    # the area over time is today's for every past quarter
    table = venues.district_area_by_quarter(District.objects.get(), 2026,
                                            today=date(2026, 12, 31))
    assert [c.area for c in table.rows[0].cells] == [Decimal("510.5")] * 5
    assert dict(Meeting.objects.values_list("pk", "kind")) == seeded["kinds"]
    assert not JointInvitation.objects.exists()

    # the new kinds are the committee's; a branch cannot hold one
    at = datetime(2026, 4, 10, 15, tzinfo=SHANGHAI)
    lecture = Meeting.objects.create(committee_id=seeded["committee"], kind="joint_lecture",
                                     starts_at=at)
    JointInvitation.objects.create(meeting=lecture, branch_id=seeded["branch"])
    with transaction.atomic(), pytest.raises(IntegrityError):
        Meeting.objects.create(committee_id=seeded["committee"], branch_id=seeded["branch"],
                               kind="joint_org_life", starts_at=at)
