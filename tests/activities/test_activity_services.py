"""Saving, cancelling and holding an activity: the rules the services keep whatever the form."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityStatus
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    ServiceTeamFactory,
    UnitFactory,
)
from units.models import Project


def new_activity(committee, **fields):
    starts = timezone.now() + timedelta(days=3)
    values = {"title": "环境整治", "line": "service", "starts_at": starts,
              "ends_at": starts + timedelta(hours=2)}
    values.update(fields)
    return Activity(committee=committee, **values)


def refused(exc_info) -> dict:
    return exc_info.value.message_dict


class TestActivitySave:
    def test_it_creates_with_the_author_and_the_co_organisers(self, world):
        team = ServiceTeamFactory(committee=world.a)
        activity = services.activity_save(
            activity=new_activity(None), user=world.secretary_a, committee=world.a,
            branches=[world.a_branch], units=[world.unit], teams=[team],
        )
        activity.refresh_from_db()
        assert (activity.committee, activity.created_by, activity.signed_up) == (
            world.a, world.secretary_a, 0
        )
        assert list(activity.branches.all()) == [world.a_branch]
        assert list(activity.units.all()) == [world.unit]
        assert list(activity.teams.all()) == [team]

    def test_the_end_must_come_after_the_start(self, world):
        activity = new_activity(world.a)
        activity.ends_at = activity.starts_at
        with pytest.raises(ValidationError) as exc:
            services.activity_save(activity=activity, user=world.secretary_a)
        assert "ends_at" in refused(exc)
        assert not Activity.objects.exists()

    @pytest.mark.parametrize("what", ["venue", "project", "branches", "units", "teams"])
    def test_everything_named_must_be_the_committees(self, world, what):
        activity = new_activity(world.a)
        extra = {}
        if what == "venue":
            activity.venue = world.b_venue
        elif what == "project":
            activity.project = Project.objects.create(committee=world.b, title="B", owner="x")
        elif what == "branches":
            extra["branches"] = [world.b_branch]
        elif what == "units":
            extra["units"] = [UnitFactory(district=CommitteeFactory().district)]
        else:
            extra["teams"] = [ServiceTeamFactory(committee=world.b)]
        with pytest.raises(ValidationError) as exc:
            services.activity_save(activity=activity, user=world.secretary_a, **extra)
        assert what in refused(exc)
        assert not Activity.objects.exists()

    def test_places_cannot_drop_below_those_signed_up_meanwhile(self, world):
        activity = ActivityFactory(committee=world.a, capacity=30)
        stale = Activity.objects.get(pk=activity.pk)
        # sign-ups taken after the form was loaded
        Activity.objects.filter(pk=activity.pk).update(signed_up=25)
        stale.capacity = 20
        with pytest.raises(ValidationError) as exc:
            services.activity_save(activity=stale, user=world.secretary_a)
        assert refused(exc)["capacity"] == [
            "25 members have already signed up; places cannot be fewer."
        ]
        activity.refresh_from_db()
        assert activity.capacity == 30

    def test_an_edit_keeps_the_places_taken_meanwhile(self, world):
        activity = ActivityFactory(committee=world.a, capacity=30)
        stale = Activity.objects.get(pk=activity.pk)
        Activity.objects.filter(pk=activity.pk).update(signed_up=5)
        stale.title = "新标题"
        services.activity_save(activity=stale, user=world.secretary_a)
        activity.refresh_from_db()
        assert (activity.title, activity.signed_up) == ("新标题", 5)

    def test_raising_the_places_moves_the_waiting_list_up(self, world, monkeypatch):
        calls = []
        monkeypatch.setattr(services.attendance, "fill_places", calls.append)
        activity = ActivityFactory(committee=world.a, capacity=10)
        activity.capacity = 20
        services.activity_save(activity=activity, user=world.secretary_a)
        assert calls == [activity]

    def test_the_form_cannot_hold_or_reopen(self, world):
        activity = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED)
        activity.status = ActivityStatus.OPEN
        with pytest.raises(ValidationError) as exc:
            services.activity_save(activity=activity, user=world.secretary_a)
        assert "status" in refused(exc)
        assert Activity.objects.get().status == ActivityStatus.CANCELLED


class TestCancelAndHold:
    def test_cancelling(self, world):
        activity = ActivityFactory(committee=world.a)
        services.activity_cancel(activity=activity, user=world.secretary_a)
        assert Activity.objects.get().status == ActivityStatus.CANCELLED

    def test_a_held_activity_is_not_cancelled(self, world):
        activity = ActivityFactory(committee=world.a, status=ActivityStatus.HELD)
        with pytest.raises(ValidationError):
            services.activity_cancel(activity=activity, user=world.secretary_a)
        assert Activity.objects.get().status == ActivityStatus.HELD

    def test_holding_needs_an_outcome_and_a_start_in_the_past(self, world):
        starts = timezone.now() - timedelta(hours=1)
        activity = ActivityFactory(committee=world.a, starts_at=starts,
                                   ends_at=starts + timedelta(hours=2))
        with pytest.raises(ValidationError) as exc:
            services.activity_mark_held(activity=activity, user=world.secretary_a, outcome=" ")
        assert "outcome" in refused(exc)
        services.activity_mark_held(activity=activity, user=world.secretary_a, outcome="完成")
        activity.refresh_from_db()
        assert (activity.status, activity.outcome) == (ActivityStatus.HELD, "完成")

    def test_an_activity_to_come_is_not_held(self, world):
        activity = ActivityFactory(committee=world.a)
        with pytest.raises(ValidationError):
            services.activity_mark_held(activity=activity, user=world.secretary_a, outcome="好")
        assert Activity.objects.get().status == ActivityStatus.OPEN

    def test_a_cancelled_activity_is_not_held(self, world):
        starts = timezone.now() - timedelta(days=2)
        activity = ActivityFactory(committee=world.a, status=ActivityStatus.CANCELLED,
                                   starts_at=starts, ends_at=starts + timedelta(hours=1))
        with pytest.raises(ValidationError):
            services.activity_mark_held(activity=activity, user=world.secretary_a, outcome="好")
        assert Activity.objects.get().status == ActivityStatus.CANCELLED
