"""The landing pages (``/``): a secretary's to-dos with counts that lead to the records
behind them, a branch secretary's, a member's phone page; other committees' records never
counted; a fixed number of queries whatever the data's size."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivitySignup, ActivityStatus, Attendance, SignupState
from core.models import Notification
from meetings.compliance import compliance_grid
from meetings.models import MeetingAttendance, MeetingStatus
from members.models import CheckIn, CheckInStatus, Commitment, SignUp, SignUpStatus
from notices import services as notice_services
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    FundingFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    UserFactory,
)
from units.models import Agreement, AgreementStatus

pytestmark = pytest.mark.django_db

HOME = "/"


def today():
    return timezone.localdate()


def now():
    return timezone.now()


def todos(response) -> dict:
    """{key: (count, url)} of the to-dos on the page, in the order shown."""
    html = response.content.decode()
    found = {}
    for url, key, count in re.findall(
        r'<a class="list-group-item[^"]*" href="([^"]+)" data-testid="todo-([\w-]+)">'
        r'.*?<span class="badge[^"]*">(\d+)</span>', html, re.S,
    ):
        found[key] = (int(count), url.replace("&amp;", "&"))
    return found


def pending_checkin(committee, **extra):
    return CheckIn.objects.create(member=MemberFactory(category="in_service"),
                                  committee=committee, status=CheckInStatus.PENDING, **extra)


def agreement(world, committee, ends_in_days):
    return Agreement.objects.create(
        unit=world.unit, committee=committee, starts_on=today() - timedelta(days=300),
        ends_on=today() + timedelta(days=ends_in_days), signed_on=today() - timedelta(days=300),
        status=AgreementStatus.IN_FORCE, committee_commits="开放场地", unit_commits="志愿服务",
    )


def signup(committee, n):
    user = UserFactory()
    return SignUp.objects.create(
        user=user, committee=committee, name=f"报名人{n}", mobile="13900000000",
        id_number=f"14010219800101{user.pk:04d}",
        category="resident", organisation="学苑社区居民党支部", status=SignUpStatus.PENDING,
    )


def fill_committee(world, committee, n=1):
    """``n`` of each thing waiting at ``committee``."""
    past = now() - timedelta(days=3)
    for i in range(n):
        pending_checkin(committee)
        signup(committee, i)
        MeetingFactory(committee=committee, starts_at=past, status=MeetingStatus.HELD)
        MatterFactory(committee=committee, due_on=today() - timedelta(days=1))
        agreement(world, committee, ends_in_days=10)
        ActivityFactory(committee=committee, starts_at=past, ends_at=past + timedelta(hours=2),
                        status=ActivityStatus.OPEN)
        full = ActivityFactory(committee=committee, capacity=1)
        ActivitySignup.objects.create(activity=full, member=MemberFactory(),
                                      state=SignupState.WAITING)


def test_the_secretary_lands_on_what_waits_with_counts_and_links(world, login):
    fill_committee(world, world.a)
    pending_checkin(world.a)  # a second 报到
    # not to do: decided, done, in time, cancelled, or another committee's
    CheckIn.objects.create(member=MemberFactory(category="in_service"), committee=world.a,
                           status=CheckInStatus.CONFIRMED, started_on=today())
    MeetingFactory(committee=world.a, starts_at=now() - timedelta(days=40),
                   status=MeetingStatus.SIGNED_OFF, signed_off_at=now())
    MatterFactory(committee=world.a, due_on=today() + timedelta(days=5))
    agreement(world, world.a, ends_in_days=200)
    past = now() - timedelta(days=2)
    ActivityFactory(committee=world.a, starts_at=past, ends_at=past + timedelta(hours=1),
                    status=ActivityStatus.HELD, outcome="完成")
    ActivityFactory(committee=world.a, starts_at=past, ends_at=past + timedelta(hours=1),
                    status=ActivityStatus.CANCELLED)
    fill_committee(world, world.b, n=3)

    response = login(world.secretary_a).get(HOME)

    assert response.status_code == 200
    found = todos(response)
    pk = world.a.pk
    assert found["checkins"] == (2, reverse("members:checkin-queue", args=[pk]))
    assert found["signups"] == (1, reverse("members:checkin-queue", args=[pk]) + "#signups")
    assert found["minutes"][0] == 1
    assert found["overdue"][0] == 1
    assert found["expiring"] == (1, reverse("units:agreement-list", args=[pk]))
    assert found["no-outcome"][0] == 1
    assert found["waiting"][0] == 1
    # the late ones come first
    keys = list(found)
    assert keys.index("overdue") < keys.index("checkins")
    html = response.content.decode()
    assert "御沁园社区" not in html


def test_each_count_leads_to_as_many_records(world, login):
    fill_committee(world, world.a, n=2)
    client = login(world.secretary_a)
    found = todos(client.get(HOME))

    minutes = client.get(found["minutes"][1]).content.decode()
    assert minutes.count('data-testid="meeting-card"') == found["minutes"][0] == 2
    matters = client.get(found["overdue"][1])
    assert matters.status_code == 200
    assert len(matters.context["page"].object_list) == found["overdue"][0] == 2
    activities = client.get(found["no-outcome"][1])
    assert activities.context["page"].paginator.count == found["no-outcome"][0] == 2
    queue = client.get(found["checkins"][1]).content.decode()
    assert queue.count('data-testid="pending-checkin"') == found["checkins"][0] == 2
    assert queue.count('data-testid="pending-signup"') == found["signups"][0] == 2


def test_the_monthly_meeting_owed_and_the_months_missed(world, login):
    client = login(world.secretary_a)
    found = todos(client.get(HOME))
    assert found["monthly-owed"][0] == 1
    if today().month > 1:
        assert found["monthly-missed"][0] == today().month - 1
        january = timezone.make_aware(datetime(today().year, 1, 15, 15))
        MeetingFactory(committee=world.a, starts_at=january, status=MeetingStatus.SIGNED_OFF,
                       signed_off_at=now())
    MeetingFactory(committee=world.a, starts_at=now(), status=MeetingStatus.HELD)

    found = todos(client.get(HOME))
    assert "monthly-owed" not in found
    if today().month > 2:
        assert found["monthly-missed"][0] == today().month - 2
    assert found["minutes"][0] == 1  # this month's, held and not yet signed off


def test_a_notice_to_sign_is_a_to_do_until_signed(world, login):
    notice = notice_services.notice_send(
        user=world.officer, district=world.district, title="关于报送的通知", text="请签收。",
        due_on=today() + timedelta(days=3), reply_required=False, recipients=[world.a, world.b],
    )
    client = login(world.secretary_a)
    assert todos(client.get(HOME))["notices"] == (1, reverse("notices:notice-list"))
    notice_services.receipt_sign(recipient=notice.recipients.get(committee=world.a),
                                 user=world.secretary_a)
    assert "notices" not in todos(client.get(HOME))


def test_nothing_waiting_says_so(world, login):
    MeetingFactory(committee=world.a, starts_at=now(), status=MeetingStatus.SIGNED_OFF,
                   signed_off_at=now())
    for month in range(1, today().month):
        MeetingFactory(committee=world.a, status=MeetingStatus.SIGNED_OFF, signed_off_at=now(),
                       starts_at=timezone.make_aware(datetime(today().year, month, 10)))
    response = login(world.secretary_a).get(HOME)
    assert todos(response) == {}
    assert 'data-testid="todo-none"' in response.content.decode()


def test_the_committee_figures_follow_the_period(world, login):
    MemberFactory.create_batch(2, committee=world.a, branch=world.a_branch)
    last_year = now().replace(year=now().year - 1)
    old = ActivityFactory(committee=world.a, starts_at=last_year,
                          ends_at=last_year + timedelta(hours=1), status=ActivityStatus.HELD)
    FundingFactory(activity=old, amount=Decimal("500.00"), date=last_year.date())
    recent = ActivityFactory(committee=world.a)
    FundingFactory(activity=recent, amount=Decimal("1200.00"), date=today())
    client = login(world.secretary_a)

    figures = client.get(HOME).context["committees"][0].figures
    assert (figures.members, figures.activities, figures.money) == (3, 1, Decimal("1200.00"))
    figures = client.get(HOME, {"period": "year", "year": today().year - 1}
                         ).context["committees"][0].figures
    assert (figures.activities, figures.money) == (1, Decimal("500.00"))


def test_a_bad_period_is_refused_and_this_year_shown(world, login):
    response = login(world.secretary_a).get(HOME, {"period": "month", "month": "13"})
    assert response.status_code == 400
    assert "Month must be a whole number from 1 to 12." in response.content.decode()
    assert response.context["period"].kind == "year"


def test_the_branch_secretary_lands_on_their_branch(world, login):
    group_meeting = MeetingFactory(committee=world.a, branch=world.a_branch,
                                   kind="branch_committee", starts_at=now() - timedelta(days=1),
                                   status=MeetingStatus.HELD)
    MemberFactory.create_batch(2, committee=world.a, branch=world.a_branch)
    MeetingFactory(committee=world.a, branch=world.b_branch, kind="branch_committee",
                   starts_at=now() - timedelta(days=1), status=MeetingStatus.HELD)
    response = login(world.branch_secretary).get(HOME)

    assert response.status_code == 200
    found = todos(response)
    assert found["minutes"][0] == 1
    assert found["appraisal"][0] == 3  # 郑优芳 and the two new members
    rows = compliance_grid(branch=world.a_branch, year=today().year, today=today())
    owed = sum(1 for r in rows if next(c for c in r.cells if c.month == today().month).state
               == "not_yet_due")
    assert found.get("meetings-owed", (0,))[0] == owed
    assert found.get("meetings-missed", (0,))[0] == sum(r.missing for r in rows)
    assert 'data-testid="committee-todos"' not in response.content.decode()
    assert group_meeting.branch == world.a_branch


def test_the_member_lands_on_their_phone_page(world, login):
    member = world.a_member
    member.category = "in_service"
    member.save()
    CheckIn.objects.create(member=member, committee=world.b, status=CheckInStatus.CONFIRMED,
                           started_on=today() - timedelta(days=30))
    meeting = MeetingFactory(committee=world.a, branch=world.a_group, kind="group",
                             title="学习党章")
    MeetingAttendance.objects.create(meeting=meeting, member=member, name=member.name)
    # planned before they joined: not expected there, so not theirs to open
    MeetingFactory(committee=world.a, branch=world.a_branch, kind="branch_assembly",
                   title="加入前安排的党员大会")
    MeetingFactory(committee=world.b, branch=world.b_branch, kind="branch_assembly",
                   title="别的支部")
    near = ActivityFactory(committee=world.b, title="御沁园义诊", capacity=10)
    ActivityFactory(committee=world.b, title="已结束", status=ActivityStatus.HELD)
    done = ActivityFactory(committee=world.a, starts_at=now() - timedelta(days=3),
                           ends_at=now() - timedelta(days=3) + timedelta(hours=2),
                           status=ActivityStatus.HELD)
    Attendance.objects.create(activity=done, member=member, hours=Decimal("2.5"))
    Commitment.objects.create(member=member, committee=member.committee, year=today().year,
                              text="每月参加一次志愿服务")
    Commitment.objects.create(member=member, committee=member.committee, year=today().year - 1,
                              text="去年的承诺")
    Notification.objects.create(user=world.member_user, key="checkin-confirmed-1",
                                text="你的报到已确认")

    response = login(world.member_user).get(HOME)

    assert response.status_code == 200
    mine = response.context["mine"]
    assert mine.checkin.committee == world.b
    assert mine.meetings == [meeting]
    assert mine.activities == [near]
    assert mine.hours == Decimal("2.5")
    assert [c.text for c in mine.commitments] == ["每月参加一次志愿服务"]
    html = response.content.decode()
    assert "御沁园义诊" in html and "学习党章" in html and "你的报到已确认" in html
    assert "别的支部" not in html and "去年的承诺" not in html
    assert "加入前安排的党员大会" not in html
    assert 'data-testid="committee-todos"' not in html


def test_a_returned_checkin_says_why_and_offers_to_check_in_again(world, login):
    CheckIn.objects.create(member=world.a_member, committee=world.b,
                           status=CheckInStatus.RETURNED, return_reason="住址不在本社区")
    html = login(world.member_user).get(HOME).content.decode()
    assert "住址不在本社区" in html and reverse("members:me") in html


def test_the_officer_and_the_newcomer_go_where_they_work(world, client, login):
    assert login(world.officer).get(HOME).url == world.district.get_absolute_url()
    client.logout()
    assert client.get(HOME).url.startswith(reverse("login"))


@pytest.mark.parametrize("size", [1, 4])
def test_the_secretarys_landing_answers_in_a_fixed_number_of_queries(
        world, login, django_assert_num_queries, size):
    fill_committee(world, world.a, n=size)
    client = login(world.secretary_a)
    client.get(HOME)
    # user 1, scope 2 (no member record: not looked for again), committees 1, to-dos with
    # the notices, the matters and when the figures were counted 1, monthly calendar 1, the
    # committee's kept figures 2 (stocks, flows): at most 10 with the bell
    with django_assert_num_queries(7 + session_queries()):
        response = client.get(HOME)
    assert todos(response)["checkins"][0] == size


@pytest.mark.parametrize("size", [1, 4])
def test_the_members_landing_answers_in_a_fixed_number_of_queries(
        world, login, django_assert_num_queries, size):
    for _ in range(size):
        ActivityFactory(committee=world.a)
        MeetingFactory(committee=world.a, branch=world.a_branch, kind="branch_assembly")
        Notification.objects.create(user=world.member_user, key=f"k{_}", text="提醒")
    client = login(world.member_user)
    client.get(HOME)
    # user 1, scope 2, member 1, check-ins 1, meetings 1, activities 1, hours 1,
    # commitments 1, notifications 1
    with django_assert_num_queries(9 + session_queries()):
        client.get(HOME)
