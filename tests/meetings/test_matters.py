"""Matters (一事一议): what saving one refuses, how it moves from open to resolved or
escalated, follow-ups, when it is overdue (local days, Asia/Shanghai) and the committee's
figures."""

from datetime import UTC, date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.scope import reads_committee_matters
from meetings import matters
from meetings.models import Matter, MatterFollowUp, MatterStatus
from tests.factories import (
    MatterFactory,
    MemberFactory,
    ServiceTeamFactory,
    UnitFactory,
    UserFactory,
)

S = MatterStatus


def today():
    return timezone.localdate()


def new_matter(world, **fields):
    fields.setdefault("title", "楼道堆物纠纷")
    fields.setdefault("kind", "dispute")
    fields.setdefault("description", "邻里因楼道堆放杂物发生争执")
    fields.setdefault("raised_on", today())
    if not {"raised_by_member", "raised_by_unit"} & set(fields):
        fields.setdefault("raised_by_name", "居民王女士")
    return Matter(committee=world.a, **fields)


def save(world, matter, committee=None):
    return matters.matter_save(matter=matter, user=world.secretary_a, committee=committee)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


# --- saving ----------------------------------------------------------------------------------

class TestMatterSave:
    def test_a_new_matter_is_open_and_remembers_its_author(self, world):
        matter = save(world, new_matter(world), committee=world.a)
        matter.refresh_from_db()
        assert matter.status == S.OPEN
        assert matter.created_by == world.secretary_a
        assert matter.committee == world.a

    def test_someone_must_have_raised_it(self, world):
        errors = refused(lambda: save(world, new_matter(world, raised_by_name=" "), world.a))
        assert "Say who raised the matter" in errors["raised_by_name"][0]
        assert Matter.objects.count() == 0

    def test_only_one_may_have_raised_it(self, world):
        matter = new_matter(world, raised_by_member=world.a_member, raised_by_name="王女士")
        errors = refused(lambda: save(world, matter, world.a))
        assert "not several" in errors["raised_by_name"][0]
        assert Matter.objects.count() == 0

    def test_a_member_or_a_unit_alone_is_enough(self, world):
        save(world, new_matter(world, raised_by_member=world.a_member), world.a)
        save(world, new_matter(world, raised_by_unit=world.unit), world.a)
        assert Matter.objects.count() == 2

    def test_a_member_whose_membership_is_in_the_committees_branch_may_raise_it(self, world):
        member = MemberFactory(committee=world.b, branch=world.a_retirees, name="李明")
        save(world, new_matter(world, raised_by_member=member), world.a)
        assert Matter.objects.get().raised_by_member == member

    def test_members_of_another_committee_are_refused(self, world):
        stranger = MemberFactory(committee=world.b, branch=world.b_branch)
        errors = refused(lambda: save(world, new_matter(world, raised_by_member=stranger), world.a))
        assert errors["raised_by_member"] == ["Choose a member of 学苑社区."]
        errors = refused(lambda: save(
            world, new_matter(world, responsible_member=stranger), world.a
        ))
        assert errors["responsible_member"] == ["Choose a member of 学苑社区."]
        assert Matter.objects.count() == 0

    def test_units_of_another_district_and_teams_of_another_committee_are_refused(self, world):
        far = UnitFactory(name="外区单位")  # a district of its own
        team_b = ServiceTeamFactory(committee=world.b)
        errors = refused(lambda: save(world, new_matter(
            world, raised_by_unit=far, responsible_unit=far, raised_by_name="",
            responsible_team=team_b,
        ), world.a))
        assert set(errors) == {"raised_by_unit", "responsible_unit", "responsible_team"}
        assert Matter.objects.count() == 0

    def test_the_committees_own_team_and_a_unit_of_the_district_may_answer_for_it(self, world):
        team = ServiceTeamFactory(committee=world.a)
        matter = save(world, new_matter(
            world, responsible_team=team, responsible_unit=world.unit,
            responsible_member=world.a_member,
        ), world.a)
        assert (matter.responsible_team, matter.responsible_unit) == (team, world.unit)

    @pytest.mark.parametrize("field, value, message", [
        ("raised_on", "tomorrow", "A matter cannot be raised in the future."),
        ("raised_on", date(1999, 12, 31), "Enter a date between 2000 and 2100."),
        ("due_on", "yesterday", "The due date cannot come before the day it was raised."),
    ])
    def test_dates_out_of_order_are_refused(self, world, field, value, message):
        value = {"tomorrow": today() + timedelta(days=1),
                 "yesterday": today() - timedelta(days=1)}.get(value, value)
        errors = refused(lambda: save(world, new_matter(world, **{field: value}), world.a))
        assert errors[field] == [message]
        assert Matter.objects.count() == 0

    def test_due_the_day_it_was_raised_is_fine(self, world):
        save(world, new_matter(world, due_on=today()), world.a)
        assert Matter.objects.get().due_on == today()

    def test_an_edit_cannot_move_the_raising_after_a_follow_up(self, world):
        matter = MatterFactory(committee=world.a, raised_on=today() - timedelta(days=10))
        MatterFollowUp.objects.create(matter=matter, on=today() - timedelta(days=5), text="走访")
        matter.raised_on = today() - timedelta(days=2)
        errors = refused(lambda: save(world, matter))
        assert "A follow-up is dated" in errors["raised_on"][0]
        matter.refresh_from_db()
        assert matter.raised_on == today() - timedelta(days=10)

    def test_an_edit_leaves_the_status_as_stored(self, world):
        matter = MatterFactory(committee=world.a, raised_on=today())
        stale = Matter.objects.get(pk=matter.pk)
        Matter.objects.filter(pk=matter.pk).update(status=S.IN_PROGRESS, decision="调解")
        stale.title = "新标题"
        save(world, stale)
        matter.refresh_from_db()
        assert (matter.title, matter.status) == ("新标题", S.IN_PROGRESS)


# --- moving on -------------------------------------------------------------------------------

ALLOWED = [
    (S.OPEN, S.DELIBERATED), (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.RESOLVED),
    (S.OPEN, S.ESCALATED),
    (S.DELIBERATED, S.IN_PROGRESS), (S.DELIBERATED, S.RESOLVED), (S.DELIBERATED, S.ESCALATED),
    (S.IN_PROGRESS, S.RESOLVED), (S.IN_PROGRESS, S.ESCALATED),
    (S.ESCALATED, S.IN_PROGRESS), (S.ESCALATED, S.RESOLVED),
]
REFUSED = [
    (old, new) for old in S for new in S if (old, new) not in ALLOWED
]


def stored(world, status, **fields):
    fields.setdefault("raised_on", today() - timedelta(days=3))
    if status == S.RESOLVED:
        fields.setdefault("resolved_on", today())
    if status == S.ESCALATED:
        fields.setdefault("escalated_to", "解放路街道办")
    return MatterFactory(committee=world.a, status=status, **fields)


def move(world, matter, status, **kwargs):
    kwargs.setdefault("decision", "由网格员牵头调解")
    kwargs.setdefault("escalated_to", "解放路街道办")
    return matters.matter_set_status(
        matter=matter, user=world.secretary_a, status=status, **kwargs
    )


class TestMatterStatus:
    @pytest.mark.parametrize("old, new", ALLOWED)
    def test_each_allowed_move(self, world, old, new):
        matter = stored(world, old)
        move(world, matter, new)
        matter.refresh_from_db()
        assert matter.status == new

    @pytest.mark.parametrize("old, new", REFUSED)
    def test_each_other_move_is_refused(self, world, old, new):
        matter = stored(world, old)
        errors = refused(lambda: move(world, matter, new))
        assert "status" in errors
        matter.refresh_from_db()
        assert matter.status == old

    @pytest.mark.parametrize("new", list(S))
    def test_a_resolved_matter_is_final_and_says_so(self, world, new):
        matter = stored(world, S.RESOLVED)
        errors = refused(lambda: move(world, matter, new))
        assert "cannot be reopened" in errors["status"][0]

    def test_the_offered_moves_are_the_allowed_ones(self, world):
        for status in S:
            offered = {(status, new) for new in matters.next_statuses(stored(world, status))}
            assert offered == {pair for pair in ALLOWED if pair[0] == status}

    def test_an_unknown_status_is_refused(self, world):
        matter = stored(world, S.OPEN)
        assert refused(lambda: move(world, matter, "closed")) == {"status": ["Choose a status."]}

    @pytest.mark.parametrize("new", [S.DELIBERATED, S.IN_PROGRESS])
    def test_deliberated_and_in_progress_need_the_decision(self, world, new):
        matter = stored(world, S.OPEN)
        errors = refused(lambda: move(world, matter, new, decision="  "))
        assert errors == {"decision": ["Record the decision taken on the matter."]}
        matter.refresh_from_db()
        assert matter.status == S.OPEN

    def test_a_stored_decision_is_enough_and_a_new_one_replaces_it(self, world):
        matter = stored(world, S.DELIBERATED, decision="先调解")
        move(world, matter, S.IN_PROGRESS, decision="")
        matter.refresh_from_db()
        assert (matter.status, matter.decision) == (S.IN_PROGRESS, "先调解")
        move(world, matter, S.RESOLVED, decision="已调解，双方签字")
        matter.refresh_from_db()
        assert matter.decision == "已调解，双方签字"

    def test_resolving_dates_it_today_by_default(self, world):
        matter = stored(world, S.IN_PROGRESS, decision="调解")
        move(world, matter, S.RESOLVED)
        matter.refresh_from_db()
        assert (matter.status, matter.resolved_on) == (S.RESOLVED, today())

    def test_resolving_takes_a_day_from_the_raising_to_today(self, world):
        matter = stored(world, S.OPEN, raised_on=today() - timedelta(days=3))
        move(world, matter, S.RESOLVED, resolved_on=today() - timedelta(days=3))
        matter.refresh_from_db()
        assert matter.resolved_on == today() - timedelta(days=3)

    @pytest.mark.parametrize("days, message", [
        (1, "A matter cannot be resolved in the future."),
        (-4, "A matter cannot be resolved before the day it was raised"),
    ])
    def test_resolving_refuses_a_day_out_of_range(self, world, days, message):
        matter = stored(world, S.OPEN, raised_on=today() - timedelta(days=3))
        errors = refused(
            lambda: move(world, matter, S.RESOLVED, resolved_on=today() + timedelta(days=days))
        )
        assert errors["resolved_on"][0].startswith(message)
        matter.refresh_from_db()
        assert (matter.status, matter.resolved_on) == (S.OPEN, None)

    def test_escalating_says_where_to(self, world):
        matter = stored(world, S.OPEN)
        errors = refused(lambda: move(world, matter, S.ESCALATED, escalated_to=" "))
        assert errors == {"escalated_to": ["Say where the matter was escalated to."]}
        move(world, matter, S.ESCALATED, escalated_to="盐湖区信访局")
        matter.refresh_from_db()
        assert (matter.status, matter.escalated_to) == (S.ESCALATED, "盐湖区信访局")

    def test_back_from_the_street_it_is_in_progress_again(self, world):
        matter = stored(world, S.ESCALATED, decision="上报街道")
        move(world, matter, S.IN_PROGRESS, decision="")
        matter.refresh_from_db()
        assert matter.status == S.IN_PROGRESS

    def test_a_stale_copy_is_judged_by_the_stored_status(self, world):
        matter = stored(world, S.OPEN)
        stale = Matter.objects.get(pk=matter.pk)
        move(world, matter, S.RESOLVED)
        errors = refused(lambda: move(world, stale, S.DELIBERATED))
        assert "cannot be reopened" in errors["status"][0]

    def test_each_move_is_in_the_audit_log(self, world):
        matter = stored(world, S.OPEN)
        move(world, matter, S.DELIBERATED)
        move(world, matter, S.RESOLVED)
        history = matters.status_history(matter)
        assert [(h.old, h.new) for h in history] == [
            ("Deliberated", "Resolved"), ("Open", "Deliberated")
        ]
        assert LogEntry.objects.get_for_object(matter).count() == 3  # created + two moves


# --- follow-ups ------------------------------------------------------------------------------

class TestFollowUp:
    def add(self, world, matter, on, text="电话回访，双方满意"):
        return matters.follow_up_add(matter=matter, user=world.secretary_a, on=on, text=text)

    def test_a_dated_follow_up_is_kept_with_its_author(self, world):
        matter = stored(world, S.IN_PROGRESS, decision="调解")
        follow_up = self.add(world, matter, today() - timedelta(days=3))
        assert follow_up.created_by == world.secretary_a
        assert list(matter.follow_ups.values_list("text", flat=True)) == ["电话回访，双方满意"]

    @pytest.mark.parametrize("days, text, field", [
        (1, "回访", "on"),  # tomorrow
        (-4, "回访", "on"),  # before it was raised
        (0, "   ", "text"),
    ])
    def test_it_refuses_bad_input(self, world, days, text, field):
        matter = stored(world, S.OPEN)
        errors = refused(lambda: self.add(world, matter, today() + timedelta(days=days), text))
        assert list(errors) == [field]
        assert MatterFollowUp.objects.count() == 0


# --- overdue, at the day's edge in Asia/Shanghai ----------------------------------------------

@pytest.fixture
def shanghai_after_midnight(monkeypatch):
    """01:00 on 11 March 2026 in Shanghai, still 10 March in UTC."""
    moment = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert timezone.localdate() == date(2026, 3, 11)
    return date(2026, 3, 11)


class TestOverdue:
    def test_due_yesterday_local_is_overdue_due_today_is_not(self, world, shanghai_after_midnight):
        yesterday = MatterFactory(committee=world.a, raised_on=date(2026, 3, 1),
                                  due_on=date(2026, 3, 10), title="昨天到期")
        MatterFactory(committee=world.a, raised_on=date(2026, 3, 1), due_on=date(2026, 3, 11),
                      title="今天到期")
        MatterFactory(committee=world.a, raised_on=date(2026, 3, 1), title="没有期限")
        assert list(Matter.objects.filter(matters.overdue_q())) == [yesterday]
        rows = {m.title: m.is_overdue for m in matters.with_overdue(Matter.objects.all())}
        assert rows == {"昨天到期": True, "今天到期": False, "没有期限": False}
        assert matters.committee_matter_stats(world.a).overdue == 1

    @pytest.mark.parametrize("status", [S.RESOLVED, S.ESCALATED])
    def test_resolved_and_escalated_matters_are_never_overdue(self, world, status):
        matter = stored(world, status, raised_on=date(2026, 1, 1), due_on=date(2026, 1, 2))
        assert not Matter.objects.filter(matters.overdue_q()).exists()
        assert matters.is_overdue(matter) is False

    def test_one_matter_in_hand_agrees_with_the_query(self, world, shanghai_after_midnight):
        late = MatterFactory(committee=world.a, raised_on=date(2026, 3, 1),
                             due_on=date(2026, 3, 10))
        due = MatterFactory(committee=world.a, raised_on=date(2026, 3, 1),
                            due_on=date(2026, 3, 11))
        assert (matters.is_overdue(late), matters.is_overdue(due)) == (True, False)


# --- the committee's figures -----------------------------------------------------------------

def resolved_after(world, days, committee=None):
    raised = date(2026, 1, 1)
    return MatterFactory(
        committee=committee or world.a, raised_on=raised, status=S.RESOLVED,
        resolved_on=raised + timedelta(days=days),
    )


class TestCommitteeFigures:
    def test_none_when_the_committee_has_no_matters(self, world):
        stats = matters.committee_matter_stats(world.a)
        assert (stats.open, stats.overdue, stats.total) == (0, 0, 0)
        assert stats.share_resolved is None and stats.median_days is None
        assert stats.upcoming == []

    def test_median_of_an_odd_count(self, world):
        for days in (2, 9, 4):
            resolved_after(world, days)
        assert matters.committee_matter_stats(world.a).median_days == 4

    def test_median_of_an_even_count_is_the_mean_of_the_middle_two(self, world):
        for days in (1, 4, 7, 30):
            resolved_after(world, days)
        assert matters.committee_matter_stats(world.a).median_days == 5.5

    def test_share_resolved_counts_every_matter_and_rounds_halves_up(self, world):
        resolved_after(world, 3)
        stored(world, S.ESCALATED)
        stored(world, S.OPEN, due_on=today() - timedelta(days=1))
        stored(world, S.IN_PROGRESS, decision="调解")
        MatterFactory(committee=world.b)  # another committee's
        stats = matters.committee_matter_stats(world.a, today=today())
        assert (stats.total, stats.resolved, stats.share_resolved) == (4, 1, 25)
        assert (stats.open, stats.overdue) == (2, 1)
        resolved_after(world, 3)
        resolved_after(world, 3)
        resolved_after(world, 3)  # 4 of 7: 57.1 %
        assert matters.committee_matter_stats(world.a).share_resolved == 57
        assert matters.percent(1, 8) == 13  # 12.5 rounds up

    def test_the_next_five_still_to_be_done_overdue_first(self, world):
        late = stored(world, S.OPEN, due_on=today() - timedelta(days=2), title="逾期的")
        for n in range(5):
            stored(world, S.IN_PROGRESS, decision="调解", due_on=today() + timedelta(days=n + 1),
                   title=f"待办{n}")
        resolved_after(world, 1)
        upcoming = matters.committee_matter_stats(world.a).upcoming
        assert [m.title for m in upcoming] == ["逾期的", "待办0", "待办1", "待办2", "待办3"]
        assert [m.is_overdue for m in upcoming] == [True, False, False, False, False]
        assert upcoming[0] == late

    def test_two_queries_whatever_the_number(self, world, django_assert_num_queries):
        # the counts; the resolved ones' days with the next five still to be done
        for days in range(12):
            resolved_after(world, days)
            stored(world, S.OPEN)
        with django_assert_num_queries(2):
            stats = matters.committee_matter_stats(world.a)
        assert len(stats.upcoming) == 5 and stats.median_days == 5.5


def test_only_the_committees_side_and_its_branch_secretaries_read_all_its_matters(world):
    liaison = UserFactory(username="liaison")
    assert reads_committee_matters(world.secretary_a, world.a)
    assert reads_committee_matters(world.officer, world.a)
    assert reads_committee_matters(world.branch_secretary, world.a)
    assert not reads_committee_matters(world.secretary_b, world.a)
    assert not reads_committee_matters(world.member_user, world.a)
    assert not reads_committee_matters(liaison, world.a)
    assert not reads_committee_matters(world.branch_secretary, world.b)
