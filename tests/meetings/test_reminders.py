"""Reminders: missing meetings on the reminder day, overdue matters daily, terms ending (换届).
Each lands once per user and subject, however often the task runs."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from meetings import tasks
from tests.factories import (
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    SeatFactory,
    ServiceTeamFactory,
    UserFactory,
    grant,
)

REMINDER_DAY = date(2026, 3, 20)


def local(*args):
    return timezone.make_aware(datetime(*args))


def keys(user):
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def held(committee, kind="monthly", branch=None, at=None):
    return MeetingFactory(committee=committee, kind=kind, branch=branch, status="held",
                          starts_at=at or local(2026, 3, 5, 15))


# --- meetings --------------------------------------------------------------------------------

def test_a_committee_missing_its_monthly_meeting_is_reminded_on_the_day(world):
    made = tasks.send_meeting_reminders.delay(today=REMINDER_DAY.isoformat()).get()

    assert made > 0
    assert keys(world.secretary_a) == [f"meeting:committee:{world.a.pk}:monthly:2026-03"]
    note = Notification.objects.get(user=world.secretary_a)
    assert world.a.name in note.text
    assert note.url == (reverse("meetings:committee-compliance", args=[world.a.pk])
                        + "?year=2026")
    assert keys(world.secretary_b) == [f"meeting:committee:{world.b.pk}:monthly:2026-03"]


def test_running_the_meeting_reminders_twice_leaves_one_each(world):
    first = tasks.meeting_reminders(today=REMINDER_DAY)
    total = Notification.objects.count()
    second = tasks.meeting_reminders(today=REMINDER_DAY)
    assert first == total > 0
    assert second == 0 and Notification.objects.count() == total


def test_a_reminder_day_missed_while_beat_was_down_is_caught_up_the_next_day(world):
    assert tasks.meeting_reminders(today=date(2026, 3, 21)) > 0  # the 20th's run never came
    assert keys(world.secretary_a) == [f"meeting:committee:{world.a.pk}:monthly:2026-03"]
    total = Notification.objects.count()
    assert tasks.meeting_reminders(today=date(2026, 3, 22)) == 0  # nothing twice
    assert Notification.objects.count() == total


def test_before_the_reminder_day_nothing_is_sent_unless_forced(world, settings):
    assert tasks.meeting_reminders(today=date(2026, 3, 19)) == 0
    assert not Notification.objects.exists()
    assert tasks.meeting_reminders(today=date(2026, 3, 19), force=True) > 0
    settings.REMINDER_DAY_OF_MONTH = 5
    assert tasks.meeting_reminders(today=date(2026, 4, 5)) > 0


def test_a_committee_that_held_its_meeting_is_not_reminded(world):
    held(world.a)
    tasks.meeting_reminders(today=REMINDER_DAY)
    assert keys(world.secretary_a) == []
    assert keys(world.secretary_b) != []


def test_a_branch_is_reminded_of_what_falls_due_this_month(world):
    held(world.a, "branch_committee", branch=world.a_branch)
    held(world.a, "group", branch=world.a_group)  # the group's meeting counts for its branch
    held(world.a, "lecture", branch=world.a_branch, at=local(2026, 1, 10, 19))

    tasks.meeting_reminders(today=REMINDER_DAY)

    prefix = f"meeting:branch:{world.a_branch.pk}:"
    # March ends the first quarter: the assembly is due; the lecture was held in January;
    # the yearly meetings are due in December.
    assert keys(world.branch_secretary) == [
        prefix + "branch_assembly:2026-Q1", prefix + "themed_day:2026-03",
    ]


def test_in_a_month_that_ends_no_quarter_only_monthly_kinds_are_due(world):
    tasks.meeting_reminders(today=date(2026, 4, 20))
    kinds = {key.split(":")[3] for key in keys(world.branch_secretary)}
    assert kinds == {"branch_committee", "group", "themed_day"}


def test_december_reminds_the_yearly_meetings(world):
    tasks.meeting_reminders(today=date(2026, 12, 20))
    assert f"meeting:branch:{world.a_branch.pk}:appraisal:2026" in keys(world.branch_secretary)


# --- overdue matters -------------------------------------------------------------------------

@pytest.fixture
def people(world):
    """A matter's responsible member, a team's leader and a unit's liaison, with accounts."""
    leader = MemberFactory(committee=world.a, branch=world.a_branch, name="队长",
                           user=UserFactory(username="leader"))
    team = ServiceTeamFactory(committee=world.a, leader=leader)
    liaison = UserFactory(username="liaison")
    grant(liaison, "unit_liaison", world.unit)
    return leader.user, team, liaison


def test_an_overdue_matter_reminds_everyone_who_answers_for_it(world, people):
    leader_user, team, liaison = people
    matter = MatterFactory(committee=world.a, due_on=date(2026, 3, 1), status="in_progress",
                           responsible_member=world.a_member, responsible_team=team,
                           responsible_unit=world.unit)

    tasks.send_overdue_matter_reminders.delay(today="2026-03-10")

    key = f"matter:{matter.pk}:overdue:2026-03-10"
    for user in (world.member_user, leader_user, liaison, world.secretary_a):
        assert keys(user) == [key], user
    for user in (world.secretary_b, world.officer, world.branch_secretary):
        assert keys(user) == []
    note = Notification.objects.get(user=world.member_user)
    assert note.url == matter.get_absolute_url() and matter.title in note.text


def test_overdue_reminders_are_once_a_day(world):
    matter = MatterFactory(committee=world.a, due_on=date(2026, 3, 1))
    tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    assert keys(world.secretary_a) == [f"matter:{matter.pk}:overdue:2026-03-10"]
    tasks.overdue_matter_reminders(today=date(2026, 3, 11))
    assert len(keys(world.secretary_a)) == 2


@pytest.mark.parametrize("due_on, status, reminded", [
    (date(2026, 3, 9), "open", True),
    (date(2026, 3, 10), "open", False),  # due today: not overdue yet
    (None, "open", False),
    (date(2026, 3, 1), "resolved", False),
    (date(2026, 3, 1), "escalated", False),
    (date(2026, 3, 1), "deliberated", True),
])
def test_only_unresolved_matters_past_their_due_date_are_overdue(world, due_on, status,
                                                                  reminded):
    MatterFactory(committee=world.a, due_on=due_on, status=status,
                  resolved_on=date(2026, 3, 2) if status == "resolved" else None,
                  escalated_to="街道办" if status == "escalated" else "")
    tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    assert bool(keys(world.secretary_a)) is reminded


def test_a_reminder_is_emailed_once_after_commit(world, django_capture_on_commit_callbacks):
    world.secretary_a.email = "shuji@example.cn"
    world.secretary_a.save()
    MatterFactory(committee=world.a, due_on=date(2026, 3, 1), title="楼道堆物")

    with django_capture_on_commit_callbacks(execute=True):
        tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.overdue_matter_reminders(today=date(2026, 3, 10))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shuji@example.cn"] and "楼道堆物" in mail.outbox[0].body
    assert Notification.objects.get(user=world.secretary_a).emailed_at is not None


def test_no_email_is_sent_before_the_transaction_commits(world,
                                                         django_capture_on_commit_callbacks):
    world.secretary_a.email = "shuji@example.cn"
    world.secretary_a.save()
    MatterFactory(committee=world.a, due_on=date(2026, 3, 1))
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    assert len(callbacks) == 1 and mail.outbox == []


# --- terms -----------------------------------------------------------------------------------

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("term_end, months", [
    (date(2026, 9, 10), 6),
    (date(2026, 9, 11), None),  # more than six months away
    (date(2026, 4, 11), 6),
    (date(2026, 4, 10), 1),
    (date(2026, 3, 11), 1),
    (date(2026, 3, 10), None),  # ends today: overdue, shown on the compliance table
])
def test_term_thresholds(term_end, months):
    assert tasks.term_threshold(term_end, TODAY) == months


def test_a_committees_term_reminds_its_secretary_and_the_district_once_per_threshold(world):
    world.a.term_end = date(2026, 8, 31)
    world.a.save()

    tasks.send_term_reminders.delay(today=TODAY.isoformat())
    tasks.send_term_reminders.delay(today=TODAY.isoformat())
    tasks.term_reminders(today=date(2026, 6, 1))  # still six months' notice: nothing new

    key = f"term:committee:{world.a.pk}:2026-08-31:6m"
    assert keys(world.secretary_a) == [key] and keys(world.officer) == [key]
    assert keys(world.secretary_b) == [] and keys(world.branch_secretary) == []

    tasks.term_reminders(today=date(2026, 8, 1))
    assert keys(world.officer) == [key.replace(":6m", ":1m"), key]


def test_a_branchs_term_reminds_its_secretary_too(world):
    world.a_branch.term_end = date(2026, 4, 1)
    world.a_branch.save()
    tasks.term_reminders(today=TODAY)
    key = f"term:branch:{world.a_branch.pk}:2026-04-01:1m"
    for user in (world.branch_secretary, world.secretary_a, world.officer):
        assert keys(user) == [key]


def test_a_seats_term_is_reminded(world):
    seat = SeatFactory(committee=world.a, member=world.a_member, term_start=date(2021, 5, 1),
                       term_end=date(2026, 5, 1))
    tasks.term_reminders(today=TODAY)
    assert keys(world.secretary_a) == [f"term:seat:{seat.pk}:2026-05-01:6m"]
    assert world.a_member.name in Notification.objects.get(user=world.secretary_a).text


def test_an_inactive_users_are_not_reminded(world):
    world.secretary_a.is_active = False
    world.secretary_a.save()
    MatterFactory(committee=world.a, due_on=date(2026, 3, 1))
    tasks.overdue_matter_reminders(today=date(2026, 3, 10))
    assert keys(world.secretary_a) == []
