"""Commitments kept (承诺践诺): the member's own page and notes, the committee's list with what
the records show, the year-end review, the board's outcomes, part-time seats, and the two
reminders (each sent once however often beat runs)."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from activities.models import Attendance
from core.models import Notification
from members.models import Commitment, CommitmentNote
from overview import commitments, tasks
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    MatterFactory,
    MemberFactory,
    SeatFactory,
    UserFactory,
    grant,
)

YEAR = 2026
MID_YEAR = date(YEAR, 6, 20)
REVIEW_DAY = date(YEAR, 12, 1)
MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def on(monkeypatch):
    """``on(day)``: the portal's today (Asia/Shanghai) is ``day`` for the rest of the test."""

    def set_day(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_day


def commit(member, committee=None, *, year=YEAR, text="每月参加一次社区志愿服务", **fields):
    fields = {"category": "service", "measure": "activities", "target": 4, **fields}
    return Commitment.objects.create(
        member=member, committee=committee or member.committee, year=year, text=text, **fields
    )


def attended(member, committee, day, hours="2.0"):
    starts = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    activity = ActivityFactory(committee=committee, starts_at=starts,
                               ends_at=starts + timedelta(hours=2), status="done")
    return Attendance.objects.create(activity=activity, member=member, method="staff",
                                     hours=Decimal(hours))


def list_url(committee, year=YEAR):
    return reverse("overview:committee-commitments", args=[committee.pk]) + f"?year={year}"


def review_url(commitment):
    return reverse("overview:commitment-review", args=[commitment.pk])


def note_url(commitment):
    return reverse("members:commitment-note-create", args=[commitment.pk])


def my_url(year=YEAR):
    return reverse("overview:my-commitments") + f"?year={year}"


# --- the member's own page ---------------------------------------------------------------------

class TestMyCommitments:
    def test_the_member_sees_their_commitments_with_what_the_records_show(
        self, client, world, on
    ):
        on(MID_YEAR)
        mine = commit(world.a_member, text="每季度参加一次党课学习", target=4)
        commit(world.a_member, text="认领一件群众急难事", measure="matter", target=None)
        commit(world.a_member, year=YEAR - 1, text="去年的承诺")
        other = MemberFactory(committee=world.a, branch=world.a_branch, name="李别人")
        commit(other, text="别人的承诺")
        attended(world.a_member, world.a, date(YEAR, 3, 5), "2.5")
        attended(world.a_member, world.b, date(YEAR, 5, 8), "1.5")  # served elsewhere: counts
        attended(world.a_member, world.a, date(YEAR - 1, 12, 30))  # last year: not this one
        MatterFactory(committee=world.a, responsible_member=world.a_member,
                      raised_on=date(YEAR, 4, 1))
        CommitmentNote.objects.create(commitment=mine, written_on=date(YEAR, 4, 2),
                                      text="参加主题党日学习")

        client.force_login(world.member_user)
        response = client.get(my_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert "每季度参加一次党课学习" in page and "认领一件群众急难事" in page
        assert "去年的承诺" not in page and "别人的承诺" not in page
        assert "参加主题党日学习" in page
        rows = {row.commitment.text: row for row in response.context["rows"]}
        study, matter = rows["每季度参加一次党课学习"], rows["认领一件群众急难事"]
        assert (study.figure, study.target, study.reached) == (2, 4, False)
        assert study.evidence.hours == Decimal("4.0")
        assert (matter.figure, matter.reached) == (1, True)

    def test_a_commitment_carried_over_without_a_target_is_never_shown_as_reached(
        self, client, world, on
    ):
        # rows from before targets were asked for (members 0013) have none
        on(MID_YEAR)
        commit(world.a_member, text="积极参加社区活动", target=None)
        attended(world.a_member, world.a, date(YEAR, 3, 5))
        client.force_login(world.member_user)
        rows = {row.commitment.text: row for row in client.get(my_url()).context["rows"]}
        carried = rows["积极参加社区活动"]
        assert carried.figure == 1 and carried.target is None and not carried.reached

    def test_someone_without_a_member_record_gets_404_and_a_visitor_signs_in(
        self, client, world
    ):
        client.force_login(world.secretary_a)
        assert client.get(my_url()).status_code == 404
        client.logout()
        response = client.get(my_url())
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_an_empty_year_says_so(self, client, world, on):
        on(MID_YEAR)
        client.force_login(world.member_user)
        response = client.get(my_url())
        assert response.status_code == 200 and not response.context["rows"]
        assert 'data-testid="add-commitment"' in response.content.decode()


# --- notes -------------------------------------------------------------------------------------

class TestNotes:
    def test_the_member_and_the_secretary_write_dated_notes(self, client, world, on):
        on(MID_YEAR)
        commitment = commit(world.a_member)
        client.force_login(world.member_user)
        form = client.get(note_url(commitment)).content.decode()
        assert "每月参加一次社区志愿服务" in form  # the note says what it is about
        response = client.post(note_url(commitment),
                               {"written_on": "2026-06-10", "text": " 参加义务清扫 "})
        assert response.status_code == 302 and response.url == my_url()
        client.force_login(world.secretary_a)
        response = client.post(note_url(commitment),
                               {"written_on": "2026-06-12", "text": "社区核实：表现突出"})
        assert response.status_code == 302 and response.url == list_url(world.a)
        notes = list(commitment.notes.values_list("written_on", "text", "by_secretary",
                                                  "author__username"))
        assert notes == [(date(YEAR, 6, 10), "参加义务清扫", False, "member"),
                         (date(YEAR, 6, 12), "社区核实：表现突出", True, "secretary_a")]

    def test_a_branch_secretary_writes_one_and_returns_to_the_member(self, client, world, on):
        on(MID_YEAR)
        commitment = commit(world.a_member)
        client.force_login(world.branch_secretary)
        response = client.post(note_url(commitment), {"written_on": "2026-06-01", "text": "核实"})
        assert response.status_code == 302
        assert response.url == world.a_member.get_absolute_url()
        assert commitment.notes.get().by_secretary

    @pytest.mark.parametrize(("data", "field"), [
        ({"written_on": "2026-07-01", "text": "明天的事"}, "written_on"),  # future
        ({"written_on": "2025-12-31", "text": "去年的事"}, "written_on"),  # another year
        ({"written_on": "2026-06-01", "text": "   "}, "text"),
        ({"written_on": "六月", "text": "参加活动"}, "written_on"),
    ])
    def test_a_bad_note_is_refused_naming_the_field(self, client, world, on, data, field):
        on(MID_YEAR)
        commitment = commit(world.a_member)
        client.force_login(world.member_user)
        response = client.post(note_url(commitment), data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert not CommitmentNote.objects.exists()

    def test_others_cannot_write_notes(self, client, world, on):
        on(MID_YEAR)
        commitment = commit(world.a_member)
        other = commit(MemberFactory(committee=world.a, branch=world.a_branch))
        client.force_login(world.secretary_b)
        assert client.post(note_url(commitment),
                           {"written_on": "2026-06-10", "text": "x"}).status_code == 404
        client.force_login(world.member_user)  # another member's commitment
        assert client.post(note_url(other),
                           {"written_on": "2026-06-10", "text": "x"}).status_code == 404
        assert not CommitmentNote.objects.exists()


# --- the committee's list ----------------------------------------------------------------------

class TestCommitteeList:
    def test_the_secretary_sees_each_commitment_with_its_evidence(self, client, world, on):
        on(MID_YEAR)
        hours = commit(world.a_member, text="全年志愿服务20小时", measure="hours", target=20)
        attended(world.a_member, world.a, date(YEAR, 2, 1), "12")
        attended(world.a_member, world.a, date(YEAR, 5, 1), "9")
        commit(MemberFactory(committee=world.b, branch=world.b_branch), text="御沁园的承诺")
        client.force_login(world.secretary_a)
        response = client.get(list_url(world.a))
        assert response.status_code == 200
        page = response.content.decode()
        assert "全年志愿服务20小时" in page and "御沁园的承诺" not in page
        [row] = response.context["rows"]
        assert row.commitment == hours and row.figure == Decimal("21.0") and row.reached
        assert not response.context["review_open"]
        assert reverse("overview:commitment-review", args=[hours.pk]) not in page
        assert not MOBILE_PATTERN.search(page)

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_others_do_not_open_it(self, client, world, persona, status):
        client.force_login(getattr(world, persona))
        assert client.get(list_url(world.a)).status_code == status

    def test_an_empty_year_says_so(self, client, world, on):
        on(MID_YEAR)
        client.force_login(world.secretary_a)
        response = client.get(list_url(world.a))
        assert response.status_code == 200
        assert "2026" in response.content.decode() and not response.context["rows"]

    def test_the_query_count_does_not_grow(self, client, world, on, django_assert_num_queries):
        on(REVIEW_DAY)

        def fill(n):
            for i in range(n):
                member = MemberFactory(committee=world.a, branch=world.a_branch,
                                       user=UserFactory(), name=f"党员{Commitment.objects.count()}")
                c = commit(member, measure=("activities", "hours", "matter")[i % 3])
                CommitmentNote.objects.create(commitment=c, written_on=date(YEAR, 3, 1),
                                              text="参加活动")
                attended(member, world.a, date(YEAR, 3, 2))
                MatterFactory(committee=world.a, responsible_member=member,
                              raised_on=date(YEAR, 4, 1))

        client.force_login(world.secretary_a)
        # user, scope, committee, count, page, notes, attendance, matters, members' users,
        # activities organised
        queries = 10 + session_queries()
        fill(3)
        with django_assert_num_queries(queries):
            small = client.get(list_url(world.a))
        fill(30)
        with django_assert_num_queries(queries):
            large = client.get(list_url(world.a))
        assert small.content.decode().count('data-testid="commitment"') == 3
        assert large.content.decode().count('data-testid="commitment"') == 25  # a page
        assert "page=2" in large.content.decode()


# --- the year-end review -----------------------------------------------------------------------

class TestReview:
    def test_it_opens_on_december_first(self, client, world, on):
        on(date(YEAR, 11, 30))
        commitment = commit(world.a_member)
        client.force_login(world.secretary_a)
        response = client.get(review_url(commitment))
        assert response.status_code == 200 and not response.context["review_open"]
        assert "2026-12-01" in response.content.decode()
        response = client.post(review_url(commitment), {"outcome": "kept", "review_remark": ""})
        assert response.status_code == 400
        assert "2026-12-01" in response.content.decode()
        commitment.refresh_from_db()
        assert commitment.outcome == "" and commitment.reviewed_at is None

    def test_the_secretary_reviews_and_the_board_shows_the_outcome(self, client, world, on):
        on(REVIEW_DAY)
        kept = commit(world.a_member, text="每月参加一次社区志愿服务", public=True)
        partly = commit(world.a_member, text="结对帮扶一户困难家庭", public=True)
        client.force_login(world.secretary_a)
        assert client.get(list_url(world.a)).context["review_open"]
        response = client.post(review_url(kept), {"outcome": "kept", "review_remark": ""})
        assert response.status_code == 302 and response.url == list_url(world.a)
        response = client.post(review_url(partly),
                               {"outcome": "partly", "review_remark": "下半年走访次数不足"})
        assert response.status_code == 302
        kept.refresh_from_db()
        assert (kept.outcome, kept.reviewed_by) == ("kept", world.secretary_a)
        assert kept.reviewed_at is not None
        assert LogEntry.objects.get_for_object(kept).filter(
            changes__has_key="outcome").exists()  # audited

        client.logout()
        board = client.get(reverse("members:board", args=[world.a.pk]) + f"?year={YEAR}")
        page = board.content.decode()
        assert board.status_code == 200
        assert "已践诺" in page or "Kept" in page
        assert world.a_member.name in page
        # the committee's remark about a named person stays inside the portal
        assert "下半年走访次数不足" not in page
        client.force_login(world.member_user)
        assert "下半年走访次数不足" in client.get(my_url()).content.decode()

    @pytest.mark.parametrize(("data", "field"), [
        ({"outcome": "not_kept", "review_remark": ""}, "review_remark"),
        ({"outcome": "partly", "review_remark": "  "}, "review_remark"),
        ({"outcome": "excellent", "review_remark": "好"}, "outcome"),
        ({"outcome": "", "review_remark": "好"}, "outcome"),
    ])
    def test_bad_input_is_refused_naming_the_field(self, client, world, on, data, field):
        on(REVIEW_DAY)
        commitment = commit(world.a_member)
        client.force_login(world.secretary_a)
        response = client.post(review_url(commitment), data)
        assert response.status_code == 400 and field in response.context["form"].errors
        commitment.refresh_from_db()
        assert commitment.reviewed_at is None

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_only_the_committee_reviews(self, client, world, on, persona, status):
        on(REVIEW_DAY)
        commitment = commit(world.a_member)
        client.force_login(getattr(world, persona))
        response = client.post(review_url(commitment), {"outcome": "kept"})
        assert response.status_code == status
        commitment.refresh_from_db()
        assert commitment.reviewed_at is None

    def test_a_reviewed_commitment_no_longer_changes(self, client, world, on):
        on(REVIEW_DAY)
        commitment = commit(world.a_member, text="原来的承诺")
        client.force_login(world.secretary_a)
        client.post(review_url(commitment), {"outcome": "kept"})
        client.force_login(world.member_user)
        response = client.post(
            reverse("members:commitment-update", args=[commitment.pk]),
            {"year": YEAR, "text": "改过的承诺", "category": "service",
             "measure": "activities", "target": "1"})
        assert response.status_code == 400
        response = client.post(note_url(commitment), {"written_on": "2026-12-01", "text": "补"})
        assert response.status_code == 400
        commitment.refresh_from_db()
        assert commitment.text == "原来的承诺" and not commitment.notes.exists()


# --- part-time committee members ---------------------------------------------------------------

class TestPartTimeSeat:
    def test_a_seat_holder_living_elsewhere_commits_to_the_committee_they_sit_on(
        self, client, world, on
    ):
        on(MID_YEAR)
        SeatFactory(committee=world.b, member=world.a_member, role="part_time",
                    term_start=date(YEAR, 1, 1))
        client.force_login(world.member_user)
        url = reverse("members:commitment-create", args=[world.a_member.pk])
        form = client.get(url).context["form"]
        assert set(form.fields["committee"].queryset) == {world.a, world.b}
        response = client.post(url, {"committee": world.b.pk, "year": YEAR,
                                     "text": "协调本单位志愿者支持社区活动", "category": "service",
                                     "measure": "activities", "target": "4"})
        assert response.status_code == 302
        made = Commitment.objects.get()
        assert made.committee == world.b
        client.force_login(world.secretary_b)  # B's side reviews it, though A holds the record
        assert [r.commitment for r in client.get(list_url(world.b)).context["rows"]] == [made]
        client.force_login(world.secretary_a)
        assert not client.get(list_url(world.a)).context["rows"]

    def test_a_committee_where_the_member_neither_lives_nor_sits_is_refused(
        self, client, world, on
    ):
        on(MID_YEAR)
        SeatFactory(committee=world.b, member=world.a_member, term_start=date(YEAR, 1, 1))
        third = type(world.a).objects.create(district=world.district, name="潞村社区",
                                             established=date(2018, 1, 1))
        client.force_login(world.member_user)
        response = client.post(
            reverse("members:commitment-create", args=[world.a_member.pk]),
            {"committee": third.pk, "year": YEAR, "text": "承诺", "category": "service",
             "measure": "activities", "target": "4"})
        assert response.status_code == 400 and "committee" in response.context["form"].errors
        assert not Commitment.objects.exists()


# --- reminders ---------------------------------------------------------------------------------

def keys(user):
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


class TestQuarterlyNudge:
    def test_members_with_a_commitment_and_no_service_this_quarter_are_nudged_once(self, world):
        commit(world.a_member)
        busy = MemberFactory(committee=world.a, branch=world.a_branch, user=UserFactory())
        commit(busy)
        attended(busy, world.a, date(YEAR, 2, 10))
        no_commitment = MemberFactory(committee=world.a, branch=world.a_branch,
                                      user=UserFactory())
        attended(world.a_member, world.a, date(YEAR - 1, 12, 10))  # last quarter: no help

        assert commitments.quarterly_nudges(today=date(YEAR, 3, 14)) == 0  # not yet
        assert tasks.send_commitment_nudges.apply(kwargs={"today": "2026-03-15"}).result == 1
        assert tasks.send_commitment_nudges.apply(kwargs={"today": "2026-03-16"}).result == 0
        assert commitments.quarterly_nudges(today=date(YEAR, 3, 15)) == 0  # twice: once
        assert keys(world.member_user) == [f"commitment-nudge:2026-Q1:{world.a_member.pk}"]
        assert keys(busy.user) == [] and keys(no_commitment.user) == []
        note = Notification.objects.get(user=world.member_user)
        assert note.url == reverse("overview:my-commitments")

        assert commitments.quarterly_nudges(today=date(YEAR, 5, 20)) == 0  # not a last month
        assert commitments.quarterly_nudges(today=date(YEAR, 6, 15)) == 2  # Q2: both idle
        assert len(keys(world.member_user)) == 2


class TestReviewReminder:
    def test_the_secretary_is_reminded_once_when_the_review_is_due(self, world):
        commit(world.a_member)
        reviewed = commit(MemberFactory(committee=world.b, branch=world.b_branch),
                          outcome="kept", reviewed_at=timezone.now())
        assert reviewed.outcome == "kept"
        staff = UserFactory()
        grant(staff, "committee_staff", world.a)

        assert commitments.review_reminders(today=date(YEAR, 11, 30)) == 0
        assert tasks.send_commitment_review_reminders.apply(
            kwargs={"today": "2026-12-01"}).result == 2  # A's secretary and staff
        assert commitments.review_reminders(today=date(YEAR, 12, 2)) == 0
        assert commitments.review_reminders(today=date(YEAR + 1, 1, 5)) == 0  # same year's
        assert keys(world.secretary_a) == [f"commitment-review:2026:{world.a.pk}"]
        assert keys(world.secretary_b) == []  # B has reviewed all of its own
        assert keys(world.officer) == []
        assert Notification.objects.get(user=world.secretary_a).url == list_url(world.a)
        assert commitments.review_reminders(today=date(YEAR + 1, 2, 1)) == 0


# --- demo --------------------------------------------------------------------------------------

def test_the_demo_gives_a_year_of_commitments_with_outcomes_and_notes(world):
    from members.demo import seed_commitments

    members = [MemberFactory(committee=world.a, branch=world.a_branch) for _ in range(15)]
    seed_commitments(world.a, [m.pk for m in members], YEAR)
    last = Commitment.objects.filter(year=YEAR - 1)
    assert last.exists() and not last.filter(reviewed_at__isnull=True).exists()
    assert set(last.values_list("outcome", flat=True)) <= {"kept", "partly", "not_kept"}
    assert CommitmentNote.objects.filter(commitment__year=YEAR - 1).exists()
    assert Commitment.objects.filter(year=YEAR, reviewed_at__isnull=True).exists()
    assert not last.exclude(outcome="kept").filter(review_remark="").exists()
