"""Meeting services: who holds which kind, who is expected, attendance, the agenda, the
minutes, sign-off locking every write, addenda (audited), matters deliberated when held."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import AgendaItem, Matter, Meeting, MeetingAttendance, MinutesAddendum
from tests.factories import (
    DistrictFactory,
    MatterFactory,
    MemberFactory,
    SeatFactory,
    UnitFactory,
    VenueFactory,
)


def plan(world, *, kind="monthly", committee=None, branch=None, units=None, **fields):
    meeting = Meeting(kind=kind, starts_at=fields.pop(
        "starts_at", timezone.now() + timedelta(days=3)), **fields)
    return meeting_services.meeting_save(
        meeting=meeting, user=world.secretary_a,
        committee=committee if committee is not None else (None if branch else world.a),
        branch=branch, units=units,
    )


def started(world, **fields):
    """A committee A monthly meeting that began an hour ago, with its expected rows."""
    return plan(world, starts_at=timezone.now() - timedelta(hours=1), **fields)


def names(meeting):
    return sorted(MeetingAttendance.objects.filter(meeting=meeting).values_list("name",
                                                                                flat=True))


def errors_of(exc_info):
    return exc_info.value.message_dict


# --- holder and kind ------------------------------------------------------------------------

class TestHolderAndKind:
    def test_a_committee_plans_its_monthly_meeting_titled_by_its_kind(self, world):
        meeting = plan(world)
        assert (meeting.committee, meeting.branch, meeting.status) == (world.a, None, "planned")
        assert meeting.title == meeting_services.default_title("monthly")  # the portal's language
        assert meeting.created_by == world.secretary_a

    def test_a_committee_does_not_hold_branch_meetings(self, world):
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="branch_assembly")
        assert "kind" in errors_of(exc)
        assert not Meeting.objects.exists()

    def test_a_branch_does_not_hold_committee_meetings(self, world):
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="monthly", branch=world.a_branch)
        assert "kind" in errors_of(exc)

    def test_only_a_party_group_holds_a_party_group_meeting(self, world):
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="group", branch=world.a_branch)
        assert "held by a party group" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="branch_assembly", branch=world.a_group)
        assert "A party group holds party group meetings." in str(exc.value)
        assert plan(world, kind="group", branch=world.a_group).committee == world.a
        assert not Meeting.objects.filter(kind="branch_assembly").exists()

    def test_the_venue_must_be_the_committees(self, world):
        with pytest.raises(ValidationError) as exc:
            plan(world, venue=world.b_venue)
        assert "venue" in errors_of(exc)
        venue = VenueFactory(committee=world.a)
        assert plan(world, venue=venue).venue == venue

    def test_units_take_part_only_in_a_joint_meeting_and_come_from_the_district(self, world):
        with pytest.raises(ValidationError) as exc:
            plan(world, units=[world.unit])
        assert "units" in errors_of(exc)
        far = UnitFactory(district=DistrictFactory())
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="joint", units=[far])
        assert "Choose units of the committee's district." in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            plan(world, kind="joint", units=[])
        assert "units" in errors_of(exc)
        assert not Meeting.objects.exists()

    def test_a_meeting_stays_with_its_holder(self, world):
        meeting = plan(world)
        meeting.committee = world.b
        with pytest.raises(ValidationError):
            meeting_services.meeting_save(meeting=meeting, user=world.secretary_a)
        assert Meeting.objects.get().committee == world.a


# --- expected attendees --------------------------------------------------------------------

class TestExpectedAttendees:
    def test_a_monthly_meeting_expects_the_seat_holders_whose_term_runs(self, world):
        SeatFactory(committee=world.a, member=None, holder_name="王院长", unit=world.unit,
                    role="part_time")
        gone = MemberFactory(committee=world.a, branch=world.a_branch, name="离任委员")
        SeatFactory(committee=world.a, member=gone, term_start=date(2015, 1, 1),
                    term_end=date(2020, 1, 1))
        meeting = plan(world)
        assert names(meeting) == sorted(["郑优芳", "王院长"])
        unit_row = MeetingAttendance.objects.get(meeting=meeting, name="王院长")
        assert (unit_row.unit, unit_row.member) == (world.unit, None)

    def test_a_joint_meeting_expects_one_row_per_unit_too(self, world):
        meeting = plan(world, kind="joint", units=[world.unit])
        assert names(meeting) == sorted(["郑优芳", "运城市第一医院"])
        assert MeetingAttendance.objects.get(meeting=meeting, unit=world.unit).name == (
            "运城市第一医院")

    def test_a_branch_meeting_expects_the_branch_and_its_groups_members(self, world):
        MemberFactory(committee=world.a, branch=world.a_branch, name="支部党员")
        MemberFactory(committee=world.a, branch=world.a_retirees, name="离退休党员")
        meeting = plan(world, kind="branch_assembly", branch=world.a_branch)
        assert names(meeting) == sorted(["支部党员", "郑优芳"])

    def test_a_party_group_meeting_expects_the_groups_members(self, world):
        MemberFactory(committee=world.a, branch=world.a_branch, name="支部党员")
        meeting = plan(world, kind="group", branch=world.a_group)
        assert names(meeting) == ["郑优芳"]

    def test_a_large_branch_is_expected_in_bulk(self, world, django_assert_max_num_queries):
        MemberFactory.create_batch(520, committee=world.a, branch=world.a_branch)
        meeting = Meeting(kind="branch_assembly", starts_at=timezone.now())
        with django_assert_max_num_queries(25):  # a few batched inserts, not one per member
            meeting_services.meeting_save(meeting=meeting, user=world.branch_secretary,
                                  branch=world.a_branch)
        assert MeetingAttendance.objects.filter(meeting=meeting).count() == 521


# --- attendance -----------------------------------------------------------------------------

class TestAttendance:
    def test_it_records_each_row_and_leave_needs_a_reason(self, world):
        MemberFactory(committee=world.a, branch=world.a_group, name="请假委员")
        SeatFactory(committee=world.a, member=MemberFactory(committee=world.a, name="迟到委员"))
        meeting = started(world)
        rows = {r.name: r.pk for r in MeetingAttendance.objects.filter(meeting=meeting)}
        with pytest.raises(ValidationError) as exc:
            meeting_services.record_attendance(meeting=meeting, user=world.secretary_a, rows=[
                (rows["郑优芳"], "present", ""), (rows["迟到委员"], "leave", " "),
            ])
        assert "Say why 迟到委员 is absent." in exc.value.messages
        assert not MeetingAttendance.objects.exclude(status="expected").exists()
        changed = meeting_services.record_attendance(meeting=meeting, user=world.secretary_a, rows=[
            (rows["郑优芳"], "present", ""), (rows["迟到委员"], "leave", "出差"),
        ])
        assert changed == 2
        assert dict(MeetingAttendance.objects.values_list("name", "status")) == {
            "郑优芳": "present", "迟到委员": "leave"}

    def test_before_the_start_only_leave_is_recorded(self, world):
        meeting = plan(world)
        row = MeetingAttendance.objects.get(meeting=meeting)
        with pytest.raises(ValidationError) as exc:
            meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                                       rows=[(row.pk, "present", "")])
        assert "has not started" in exc.value.messages[0]
        meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                                   rows=[(row.pk, "leave", "住院")])
        row.refresh_from_db()
        assert (row.status, row.reason) == ("leave", "住院")

    def test_rows_of_another_meeting_are_refused(self, world):
        meeting, other = started(world), started(world)
        foreign = MeetingAttendance.objects.filter(meeting=other).first()
        with pytest.raises(ValidationError):
            meeting_services.record_attendance(meeting=meeting, user=world.secretary_a,
                                       rows=[(foreign.pk, "present", "")])
        foreign.refresh_from_db()
        assert foreign.status == "expected"


# --- agenda, minutes, matters ---------------------------------------------------------------

class TestAgendaAndMinutes:
    def test_an_agenda_item_names_an_open_matter_of_the_committee(self, world):
        meeting = plan(world)
        mine = MatterFactory(committee=world.a)
        theirs = MatterFactory(committee=world.b)
        resolved = MatterFactory(committee=world.a, status="resolved",
                                 resolved_on=date.today())
        for matter in (theirs, resolved):
            with pytest.raises(ValidationError) as exc:
                meeting_services.agenda_save(item=AgendaItem(title="议题", matter=matter),
                                     user=world.secretary_a, meeting=meeting)
            assert "matter" in errors_of(exc)
        item = meeting_services.agenda_save(item=AgendaItem(title="楼道堆物", matter=mine),
                                    user=world.secretary_a, meeting=meeting)
        assert AgendaItem.objects.get() == item and item.matter == mine
        assert meeting_services.next_position(meeting) == 2

    def test_minutes_wait_for_the_meeting_to_start(self, world):
        meeting = plan(world)
        with pytest.raises(ValidationError) as exc:
            meeting_services.minutes_save(meeting=meeting, user=world.secretary_a, minutes="纪要",
                                  decisions="")
        assert "has not started" in exc.value.messages[0]
        meeting.refresh_from_db()
        assert (meeting.status, meeting.minutes) == ("planned", "")

    def test_holding_the_meeting_deliberates_its_open_matters(self, world):
        meeting = started(world)
        open_matter = MatterFactory(committee=world.a)
        in_progress = MatterFactory(committee=world.a, status="in_progress")
        untouched = MatterFactory(committee=world.a)
        for matter in (open_matter, in_progress):
            meeting_services.agenda_save(item=AgendaItem(title=matter.title, matter=matter),
                                 user=world.secretary_a, meeting=meeting)
        meeting_services.minutes_save(meeting=meeting, user=world.secretary_a,
                              minutes="会议讨论了楼道堆物问题。", decisions="限期清理")
        meeting.refresh_from_db()
        assert meeting.status == "held"
        statuses = dict(Matter.objects.values_list("pk", "status"))
        assert statuses == {open_matter.pk: "deliberated", in_progress.pk: "in_progress",
                            untouched.pk: "open"}


# --- sign-off and addenda -------------------------------------------------------------------

def signed_off(world):
    meeting = started(world)
    meeting_services.agenda_save(item=AgendaItem(title="议题一"), user=world.secretary_a,
                         meeting=meeting)
    meeting_services.minutes_save(meeting=meeting, user=world.secretary_a, minutes="原纪要",
                          decisions="原决定")
    return meeting_services.sign_off(meeting=meeting, user=world.secretary_a)


class TestSignOff:
    def test_only_a_held_meeting_with_minutes_is_signed_off(self, world):
        meeting = started(world)
        with pytest.raises(ValidationError) as exc:
            meeting_services.sign_off(meeting=meeting, user=world.secretary_a)
        assert "only a held meeting is signed off" in exc.value.messages[0]
        Meeting.objects.filter(pk=meeting.pk).update(status="held")
        with pytest.raises(ValidationError) as exc:
            meeting_services.sign_off(meeting=meeting, user=world.secretary_a)
        assert "The minutes are empty" in exc.value.messages[0]
        meeting.refresh_from_db()
        assert meeting.signed_off_at is None

    def test_signing_off_records_who_and_when(self, world):
        meeting = signed_off(world)
        meeting.refresh_from_db()
        assert meeting.status == "signed_off"
        assert meeting.signed_off_by == world.secretary_a
        assert timezone.now() - meeting.signed_off_at < timedelta(minutes=1)

    def test_after_sign_off_every_write_is_refused(self, world):
        meeting = signed_off(world)
        row = MeetingAttendance.objects.get(meeting=meeting)
        item = AgendaItem.objects.get(meeting=meeting)
        writes = {
            "minutes": lambda: meeting_services.minutes_save(
                meeting=meeting, user=world.secretary_a, minutes="改过", decisions="改过"),
            "sign-off": lambda: meeting_services.sign_off(meeting=meeting, user=world.secretary_a),
            "attendance": lambda: meeting_services.record_attendance(
                meeting=meeting, user=world.secretary_a, rows=[(row.pk, "present", "")]),
            "agenda item": lambda: meeting_services.agenda_save(
                item=AgendaItem(title="新议题"), user=world.secretary_a, meeting=meeting),
            "agenda edit": lambda: meeting_services.agenda_save(
                item=AgendaItem(pk=item.pk, meeting=meeting, title="改过", position=1),
                user=world.secretary_a),
            "meeting": lambda: meeting_services.meeting_save(
                meeting=Meeting.objects.get(pk=meeting.pk), user=world.secretary_a),
        }
        for what, write in writes.items():
            with pytest.raises(ValidationError) as exc:
                write()
            assert "signed off" in " ".join(exc.value.messages), what
        meeting.refresh_from_db()
        assert (meeting.minutes, meeting.decisions) == ("原纪要", "原决定")
        assert MeetingAttendance.objects.get().status == "expected"
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["议题一"]

    def test_an_addendum_comes_only_after_sign_off_and_is_audited(self, world):
        meeting = started(world)
        with pytest.raises(ValidationError) as exc:
            meeting_services.add_addendum(meeting=meeting, user=world.secretary_a, text="更正")
        assert "signed-off minutes" in exc.value.messages[0]
        meeting = signed_off(world)
        with pytest.raises(ValidationError) as exc:
            meeting_services.add_addendum(meeting=meeting, user=world.secretary_a, text="  ")
        assert "text" in errors_of(exc)
        addendum = meeting_services.add_addendum(meeting=meeting, user=world.secretary_a,
                                         text="更正：参会人数应为12人。")
        assert MinutesAddendum.objects.get() == addendum
        entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(MinutesAddendum),
            object_pk=str(addendum.pk),
        )
        assert entry.actor == world.secretary_a and entry.action == LogEntry.Action.CREATE
        meeting.refresh_from_db()
        assert meeting.minutes == "原纪要"

    def test_signing_off_is_in_the_meetings_audit_log(self, world):
        meeting = signed_off(world)
        entries = LogEntry.objects.get_for_object(meeting)
        assert entries.filter(actor=world.secretary_a, changes__icontains="signed_off").exists()

