"""Regressions from the review of meetings and matters: what a meeting's readers see of its
matters, who may check in to a branch's meeting, the last day of a period, team leaders."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from committees import terms
from meetings import compliance
from meetings import services as meeting_services
from meetings.models import AgendaItem, Matter, MeetingAttendance
from tests.factories import MatterFactory, MeetingFactory, MemberFactory, ServiceTeamFactory


def test_a_member_at_the_meeting_does_not_read_the_matters_on_its_agenda(client, world):
    meeting = MeetingFactory(committee=world.a)
    MeetingAttendance.objects.create(meeting=meeting, member=world.a_member,
                                     name=world.a_member.name)
    matter = MatterFactory(committee=world.a, title="王某与李某漏水纠纷")
    AgendaItem.objects.create(meeting=meeting, title="一事一议", matter=matter)
    client.force_login(world.member_user)
    for url in (meeting.get_absolute_url(), f"/meetings/{meeting.pk}/print/"):
        page = client.get(url).content.decode()
        assert "一事一议" in page and "王某与李某漏水纠纷" not in page
    client.force_login(world.secretary_a)
    assert "王某与李某漏水纠纷" in client.get(meeting.get_absolute_url()).content.decode()


def test_only_the_branchs_own_members_check_in_to_its_meeting(world):
    start = timezone.now() - timedelta(minutes=5)
    meeting = MeetingFactory(committee=world.a, branch=world.a_branch,
                             kind="branch_committee", starts_at=start)
    retiree = MemberFactory(committee=world.a, branch=world.a_retirees)
    with pytest.raises(ValidationError):
        meeting_services.qr_check_in(meeting=meeting, member=retiree)
    assert not MeetingAttendance.objects.filter(member=retiree).exists()
    # a member of one of the branch's party groups may
    row, changed = meeting_services.qr_check_in(meeting=meeting, member=world.a_member)
    assert changed and row.status == "present"


def test_the_last_day_of_a_month_is_not_yet_missing(world):
    rows = compliance.compliance_grid(committee=world.a, year=2026, today=date(2026, 3, 31))
    monthly = next(r for r in rows if r.kind == "monthly")
    assert monthly.cells[2].state == compliance.NOT_YET_DUE
    assert monthly.cells[1].state == compliance.MISSING


def test_a_team_leader_reads_the_matter_their_team_answers_for(client, world):
    team = ServiceTeamFactory(committee=world.a, leader=world.a_member)
    matter = MatterFactory(committee=world.a, responsible_team=team)
    other = MatterFactory(committee=world.a)
    client.force_login(world.member_user)
    assert client.get(matter.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert Matter.objects.for_user(world.member_user).count() == 1


def test_a_committees_term_is_edited_and_shown_with_its_state(client, world):
    client.force_login(world.officer)
    url = f"/committees/{world.a.pk}/edit/"
    data = {"name": world.a.name, "street": "", "address": "", "established": "",
            "term_start": "2021-05-01", "term_end": "2021-04-30"}
    assert client.post(url, data).status_code == 400  # ends before it starts
    data["term_end"] = "2026-04-30"
    assert client.post(url, data).status_code == 302
    world.a.refresh_from_db()
    assert world.a.term_end == date(2026, 4, 30)
    page = client.get(world.a.get_absolute_url()).content.decode()
    assert "term 2021-05-01 – 2026-04-30" in page and "re-election overdue" in page


def test_minutes_signed_off_by_an_account_since_gone_still_show(client, world):
    """A blank title reads as the kind; a signer deleted since (SET_NULL) is no server error."""
    meeting = MeetingFactory(committee=world.a, title="", status="signed_off",
                             minutes="议定事项", starts_at=timezone.now() - timedelta(days=3),
                             signed_off_at=timezone.now() - timedelta(days=2))
    client.force_login(world.secretary_a)
    for url in (meeting.get_absolute_url(), f"/meetings/{meeting.pk}/print/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Monthly meeting" in page and "Signed off on" in page


def test_a_branch_without_party_groups_is_not_reminded_of_a_group_meeting(world):
    from core.models import Notification
    from meetings import tasks
    from tests.factories import UserFactory, grant

    secretary = UserFactory(username="retirees_secretary")
    grant(secretary, "branch_secretary", world.a_retirees)
    tasks.meeting_reminders(today=date(2026, 3, 20), force=True)
    keys = list(Notification.objects.filter(user=secretary).values_list("key", flat=True))
    assert keys, "reminded of the meetings it does owe"
    assert not [k for k in keys if ":group:" in k]


def test_a_held_meeting_keeps_its_kind_and_month(world):
    start = timezone.now() - timedelta(hours=2)
    meeting = MeetingFactory(committee=world.a, starts_at=start)
    meeting_services.minutes_save(meeting=meeting, user=world.secretary_a, minutes="纪要",
                          decisions="")
    meeting.refresh_from_db()
    meeting.starts_at = start + timedelta(days=60)  # into a future month
    with pytest.raises(ValidationError):
        meeting_services.meeting_save(meeting=meeting, user=world.secretary_a)
    meeting.refresh_from_db()
    meeting.kind = "committee_work"
    with pytest.raises(ValidationError):
        meeting_services.meeting_save(meeting=meeting, user=world.secretary_a)


def test_term_reminders_count_back_from_a_months_last_day():
    from meetings.tasks import term_threshold

    assert term_threshold(date(2026, 3, 31), today=date(2026, 2, 28)) == 1
    assert term_threshold(date(2026, 3, 31), today=date(2026, 2, 27)) == 6
    assert term_threshold(date(2026, 8, 31), today=date(2026, 2, 28)) == 6
    assert term_threshold(date(2026, 8, 31), today=date(2026, 2, 27)) is None
    assert terms.term_state(date(2026, 8, 31), date(2026, 2, 28)) == terms.TERM_ENDING


def test_a_matter_deliberated_at_a_meeting_has_it_in_its_history(world):
    from auditlog.models import LogEntry

    meeting = MeetingFactory(committee=world.a, starts_at=timezone.now() - timedelta(hours=1))
    matter = MatterFactory(committee=world.a)
    AgendaItem.objects.create(meeting=meeting, title="一事一议", matter=matter)
    meeting_services.minutes_save(
        meeting=meeting, user=world.secretary_a, minutes="纪要", decisions=""
    )
    matter.refresh_from_db()
    assert matter.status == "deliberated"
    entry = LogEntry.objects.get_for_object(matter).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["status"] == ["open", "deliberated"]
    assert entry.actor == world.secretary_a
