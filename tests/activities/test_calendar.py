"""A committee's calendar: a month grid (a list of days on phones), in Shanghai time."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import selectors
from activities.models import Activity, ActivityStatus
from tests.conftest import session_queries
from tests.factories import ActivityFactory


def local(*args):
    return timezone.make_aware(datetime(*args))


def calendar_url(committee):
    return reverse("activities:activity-calendar", args=[committee.pk])


def day_of(weeks, wanted):
    return next(day for week in weeks for day in week if day.date == wanted)


def test_an_activity_at_half_past_midnight_is_on_its_shanghai_day(world):
    # 2026-03-01 00:30 in Shanghai is 2026-02-28 16:30 in UTC.
    activity = ActivityFactory(committee=world.a, title="凌晨活动",
                               starts_at=local(2026, 3, 1, 0, 30))
    weeks = selectors.calendar_month(world.a, 2026, 3, world.secretary_a)
    assert day_of(weeks, date(2026, 3, 1)).activities == [activity]
    assert day_of(weeks, date(2026, 2, 28)).activities == []


def test_the_grid_is_whole_weeks_monday_first(world):
    weeks = selectors.calendar_month(world.a, 2026, 3, world.secretary_a)
    assert weeks[0][0].date == date(2026, 2, 23)  # a Monday
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][-1].date == date(2026, 4, 5)
    assert not weeks[0][0].in_month and weeks[0][6].in_month


def test_the_page_shows_the_month_and_its_activities(login, world):
    ActivityFactory(committee=world.a, title="学雷锋志愿服务", starts_at=local(2026, 3, 5, 9))
    ActivityFactory(committee=world.a, title="四月的活动", starts_at=local(2026, 4, 20, 9))
    ActivityFactory(committee=world.b, title="御沁园的活动", starts_at=local(2026, 3, 5, 9))
    response = login(world.member_user).get(calendar_url(world.a), {"month": "2026-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "学雷锋志愿服务" in page and "御沁园的活动" not in page
    assert "四月的活动" not in page
    assert "?month=2026-02" in page and "?month=2026-04" in page
    assert [d.date for d in response.context["days"]] == [date(2026, 3, 5)]


def test_the_default_month_is_this_month_in_shanghai(login, world):
    response = login(world.secretary_a).get(calendar_url(world.a))
    assert response.context["month"] == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("month", ["2026-13", "garbage", "12026-01"])
def test_a_bad_month_shows_this_month(login, world, month):
    response = login(world.secretary_a).get(calendar_url(world.a), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_december_links_to_january(login, world):
    page = login(world.secretary_a).get(calendar_url(world.a), {"month": "2026-12"})
    assert "?month=2027-01" in page.content.decode()
    assert "?month=2026-11" in page.content.decode()


def test_an_empty_month_says_so(login, world):
    page = login(world.secretary_a).get(calendar_url(world.a), {"month": "2026-03"})
    assert "No activities this month." in page.content.decode()


def test_who_may_see_the_calendar(client, login, world):
    assert client.get(calendar_url(world.a)).status_code == 302
    assert login(world.secretary_b).get(calendar_url(world.a)).status_code == 404
    assert login(world.branch_secretary).get(calendar_url(world.a)).status_code == 200


def test_only_writers_get_the_new_activity_button(login, world):
    new = reverse("activities:activity-create", args=[world.a.pk])
    assert new in login(world.secretary_a).get(calendar_url(world.a)).content.decode()
    assert new not in login(world.member_user).get(calendar_url(world.a)).content.decode()


def test_its_queries_do_not_grow_with_the_activities(login, world, django_assert_num_queries):
    client = login(world.secretary_a)
    for n in (3, 30):
        Activity.objects.all().delete()
        for i in range(n):
            ActivityFactory(committee=world.a, venue=world.a_venue,
                            status=ActivityStatus.OPEN,
                            starts_at=local(2026, 3, 1, 9) + timedelta(hours=20 * i))
        # session, user, scope (roles, member), committee, can_write, activities
        with django_assert_num_queries(session_queries() + 4):
            response = client.get(calendar_url(world.a), {"month": "2026-03"})
        assert sum(len(d.activities) for d in response.context["days"]) == n
