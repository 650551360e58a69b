"""What deleting a member removes and keeps, as docs/privacy.md ("Deleting a member") says:
their own history goes, shared records stay without the link, a seat blocks it, the account
and the audit log stay."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db.models import ProtectedError

from activities.models import ActivitySignup, Attendance
from committees.models import Seat
from meetings.models import Matter, MeetingAttendance
from members.models import CheckIn, Commitment, CorrectionRequest
from tests.factories import (
    ActivityFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    ServiceTeamFactory,
    UserFactory,
)


def test_deleting_a_member_removes_their_history_and_keeps_shared_records(world):
    user = UserFactory(username="leaving")
    member = MemberFactory(committee=world.a, branch=world.a_branch, name="离开者", user=user)
    CheckIn.objects.create(member=member, committee=world.b)
    Commitment.objects.create(member=member, committee=member.committee, year=2026, text="承诺")
    CorrectionRequest.objects.create(member=member, field="address", proposed_value="新地址")
    activity = ActivityFactory(committee=world.a)
    ActivitySignup.objects.create(activity=activity, member=member, state="registered")
    Attendance.objects.create(activity=activity, member=member, method="qr", hours=Decimal(1))
    MeetingAttendance.objects.create(meeting=MeetingFactory(committee=world.a), member=member,
                                     name=member.name)
    team = ServiceTeamFactory(committee=world.a, leader=member)
    team.members.add(member)
    matter = MatterFactory(committee=world.a, raised_by_member=member)

    member.delete()

    for model in (CheckIn, Commitment, CorrectionRequest, ActivitySignup, Attendance,
                  MeetingAttendance):
        assert not model.objects.filter(member_id=member.pk).exists(), model
    assert not team.members.exists()
    team.refresh_from_db()
    assert team.leader is None
    assert Matter.objects.get(pk=matter.pk).raised_by_member is None
    user.refresh_from_db()  # the account stays
    assert LogEntry.objects.filter(object_repr="离开者").exists()  # and the log


def test_a_seat_holder_cannot_be_deleted(world):
    assert Seat.objects.filter(member=world.a_member).exists()
    with pytest.raises(ProtectedError):
        world.a_member.delete()
