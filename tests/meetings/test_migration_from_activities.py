"""Meetings and matters moved from the ``activities`` app to ``meetings``: a database at the
previous head (meetings inside activities, audit entries pointing at ``activities.meeting``)
migrated forward keeps every row, and the audit log is still read through the new app."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.models import (
    AgendaItem,
    Matter,
    MatterFollowUp,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MinutesAddendum,
)

PREVIOUS = ("activities", "0002_meetings_and_matters")
MOVED = [Meeting, MeetingAttendance, AgendaItem, MinutesAddendum, MeetingAttachment, Matter,
         MatterFollowUp]
SHANGHAI = ZoneInfo("Asia/Shanghai")


# Later migrations of other apps that depend on meetings: the head before the move had none.
BEFORE_LATER = {
    "branches": "0004_branch_term",
    "committees": "0004_committee_term",  # 0005's venue keeper names a member
    "members": "0004_party_status_label",
    "units": "0002_cobuilding",
}


def previous_head(executor):
    """Every app's last migration before the move (meetings and notices did not exist)."""
    return [(app, BEFORE_LATER.get(app, name)) for app, name in executor.loader.graph.leaf_nodes()
            if app not in ("activities", "meetings", "notices")] + [PREVIOUS]


def seed_previous_head(apps):
    """What seed_demo wrote before the move, a committee's worth, through the old models."""
    get = apps.get_model
    ContentType = get("contenttypes", "ContentType")
    LogEntry = get("auditlog", "LogEntry")
    user = get("auth", "User").objects.create(username="secretary")
    district = get("committees", "District").objects.create(name="盐湖区")
    committee = get("committees", "Committee").objects.create(district=district, name="学苑社区")
    branch = get("branches", "Branch").objects.create(
        committee=committee, kind="residents", name="学苑社区居民党支部")
    members = [get("members", "Member").objects.create(
        name=f"党员{i}", category="resident", committee=committee, branch=branch)
        for i in range(6)]
    unit = get("units", "Unit").objects.create(district=district, name="新象城", kind="private")
    team = get("activities", "ServiceTeam").objects.create(
        committee=committee, name="便民服务队", kind="health")

    Meeting = get("activities", "Meeting")
    Matter = get("activities", "Matter")
    meetings = []
    for month in range(1, 5):
        meeting = Meeting.objects.create(
            committee=committee, kind="monthly", title=f"{month}月例会",
            starts_at=datetime(2026, month, 10, 15, tzinfo=SHANGHAI), status="held",
            minutes="议定事项", created_by=user)
        meeting.units.add(unit)
        meetings.append(meeting)
        for member in members:
            get("activities", "MeetingAttendance").objects.create(
                meeting=meeting, member=member, name=member.name, status="present")
        matter = Matter.objects.create(
            committee=committee, title=f"楼道堆物{month}", kind="dispute", description="邻里纠纷",
            raised_on=date(2026, month, 1), responsible_team=team, raised_by_member=members[0])
        get("activities", "AgendaItem").objects.create(
            meeting=meeting, title=matter.title, matter=matter)
        get("activities", "MatterFollowUp").objects.create(
            matter=matter, on=date(2026, month, 5), text="已上门调解")
        get("activities", "MinutesAddendum").objects.create(
            meeting=meeting, text="补记", created_by=user)
        get("activities", "MeetingAttachment").objects.create(
            meeting=meeting, token=f"token{month}", file=f"meetings/{meeting.pk}/token{month}",
            name="签到表.pdf", size=10)

    # The content types the old code had, and audit entries pointing at them.
    types = {model: ContentType.objects.get_or_create(app_label="activities", model=model)[0]
             for model in ("meeting", "matter", "meetingattendance")}
    for meeting in meetings:
        LogEntry.objects.create(content_type=types["meeting"], object_pk=str(meeting.pk),
                                object_id=meeting.pk, object_repr=meeting.title, action=0,
                                changes={"title": ["None", meeting.title]}, actor=user)
    for matter in Matter.objects.all():
        LogEntry.objects.create(content_type=types["matter"], object_pk=str(matter.pk),
                                object_id=matter.pk, object_repr=matter.title, action=1,
                                changes={"status": ["open", "deliberated"]}, actor=user)
    return {model: ct.pk for model, ct in types.items()}


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_head_keeps_every_meeting_row_and_audit_entry():
    executor = MigrationExecutor(connection)
    executor.migrate(previous_head(executor))  # back to before the move
    executor.loader.build_graph()
    old_apps = executor.loader.project_state(previous_head(executor)).apps
    old_type_ids = seed_previous_head(old_apps)
    before = {model.__name__: old_apps.get_model("activities", model.__name__).objects.count()
              for model in MOVED}
    assert before["Meeting"] == 4 and before["MeetingAttendance"] == 24

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward to today's head
    ContentType.objects.clear_cache()

    assert {model.__name__: model.objects.count() for model in MOVED} == before
    # The same content types, now labelled with the new app: every audit entry follows.
    meeting_type = ContentType.objects.get_for_model(Meeting)
    assert meeting_type.pk == old_type_ids["meeting"]
    assert ContentType.objects.get_for_model(Matter).pk == old_type_ids["matter"]
    assert not ContentType.objects.filter(app_label="activities", model="meeting").exists()
    meeting = Meeting.objects.get(title="3月例会")
    history = LogEntry.objects.get_for_object(meeting)
    assert [entry.changes_dict["title"][1] for entry in history] == ["3月例会"]
    assert LogEntry.objects.filter(content_type__app_label="meetings").count() == 8
    # Relations still resolve through the new app.
    assert meeting.units.get().name == "新象城"
    assert meeting.attendances.count() == 6
    matter = meeting.agenda.get().matter
    assert matter.responsible_team.name == "便民服务队"
    assert matter.follow_ups.get().text == "已上门调解"
    assert Meeting.objects.filter(committee__matters=matter).exists()

    # And back: the content types take their old label again, the entries with them.
    executor = MigrationExecutor(connection)
    executor.migrate(previous_head(executor))
    ContentType.objects.clear_cache()
    back = ContentType.objects.get(pk=old_type_ids["meeting"])
    assert (back.app_label, back.model) == ("activities", "meeting")
    assert LogEntry.objects.filter(content_type=back).count() == 4
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=old_type_ids["meeting"]).app_label == "meetings"


@pytest.mark.django_db(transaction=True)
def test_a_content_type_the_new_code_made_early_is_folded_into_the_old_one():
    """The new code ran (and made meetings.meeting) before the migration: what points at the
    new content type moves to the old one, grants included, and one content type is left."""
    executor = MigrationExecutor(connection)
    executor.migrate(previous_head(executor))
    executor.loader.build_graph()
    apps = executor.loader.project_state(previous_head(executor)).apps
    old_type_ids = seed_previous_head(apps)
    ContentTypeOld = apps.get_model("contenttypes", "ContentType")
    early = ContentTypeOld.objects.create(app_label="meetings", model="meeting")
    meeting = apps.get_model("activities", "Meeting").objects.first()
    apps.get_model("auditlog", "LogEntry").objects.create(
        content_type=early, object_pk=str(meeting.pk), object_id=meeting.pk,
        object_repr="early", action=1, changes={})
    user = apps.get_model("auth", "User").objects.get(username="secretary")
    apps.get_model("admin", "LogEntry").objects.create(
        content_type=early, object_id=str(meeting.pk), object_repr="early", action_flag=2,
        user=user, change_message="")
    Permission = apps.get_model("auth", "Permission")
    grant = Permission.objects.create(content_type=early, codename="view_meeting",
                                      name="Can view meeting")
    group = apps.get_model("auth", "Group").objects.create(name="auditors")
    group.permissions.add(grant)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    kept = ContentType.objects.get(app_label="meetings", model="meeting")
    assert kept.pk == old_type_ids["meeting"]
    assert ContentType.objects.filter(model="meeting").count() == 1
    assert LogEntry.objects.filter(content_type=kept).count() == 5
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.auth.models import Group
    assert AdminLogEntry.objects.get().content_type == kept
    assert list(Group.objects.get(name="auditors").permissions.values_list(
        "content_type", "codename")) == [(kept.pk, "view_meeting")]
