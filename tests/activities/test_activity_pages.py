"""The activity pages: the list, creating and editing an activity, its page, cancelling it,
recording its outcome with photos; who may use them and what they refuse."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities import views
from activities.models import Activity, ActivityPhoto, ActivityStatus, Line
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    MemberFactory,
    ServiceTeamFactory,
    UnitFactory,
    VenueFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(width=300, height=200, name="photo.png"):
    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def local(*args):
    return timezone.make_aware(datetime(*args))


def url(name, *args):
    return reverse(f"activities:{name}", args=args)


def activity_of(committee, **fields):
    return ActivityFactory(committee=committee, **fields)


def a_photo(activity):
    from activities.photos import store_photo

    return store_photo(activity=activity, upload=png(), user=None, caption="合影")


def _pages(world):
    activity = activity_of(world.a, title="学苑义诊")
    held = activity_of(
        world.a, starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
    )
    photo = a_photo(held)
    return {
        "activity-create": [world.a.pk],
        "activity-calendar": [world.a.pk],
        "activity-detail": [activity.pk],
        "activity-update": [activity.pk],
        "activity-cancel": [activity.pk],
        "activity-outcome": [held.pk],
        "photo-file": [held.pk, photo.pk],
        "photo-delete": [held.pk, photo.pk],
    }


WRITES = {"activity-create", "activity-update", "activity-cancel", "activity-outcome",
          "photo-delete"}


# --- every page: sign-in and scope ---------------------------------------------------------

def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, world):
    pages = {"activity-list": [], **_pages(world)}
    for name, args in pages.items():
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_nothing_of_committee_a(login, world):
    client = login(world.secretary_b)
    for name, args in _pages(world).items():
        assert client.get(url(name, *args)).status_code == 404, name
        assert client.post(url(name, *args)).status_code == 404, name
    assert Activity.objects.filter(status=ActivityStatus.CANCELLED).count() == 0
    assert ActivityPhoto.objects.count() == 1
    page = client.get(url("activity-list")).content.decode()
    assert "学苑义诊" not in page


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_a_reader_of_the_committee_reads_but_does_not_write(login, world, persona):
    client = login(getattr(world, persona))
    for name, args in _pages(world).items():
        expected = 403 if name in WRITES else 200
        assert client.get(url(name, *args)).status_code == expected, name
    for name in WRITES:
        assert client.post(url(name, *_pages(world)[name])).status_code == 403, name


# --- the list ------------------------------------------------------------------------------

class TestActivityList:
    def test_it_lists_the_activities_one_may_read_latest_first(self, login, world):
        activity_of(world.a, title="早的活动", starts_at=local(2026, 3, 1, 9))
        activity_of(world.a, title="晚的活动", starts_at=local(2026, 3, 8, 9))
        activity_of(world.b, title="御沁园的活动")
        page = login(world.member_user).get(url("activity-list")).content.decode()
        assert page.index("晚的活动") < page.index("早的活动")
        assert "御沁园的活动" not in page
        assert world.a.name in page

    def test_a_card_shows_the_places_left(self, login, world):
        activity_of(world.a, title="限额活动", capacity=20, signed_up=7)
        page = login(world.member_user).get(url("activity-list")).content.decode()
        assert "13 places left" in page

    def test_it_filters_by_committee_line_status_and_month(self, login, world):
        activity_of(world.a, title="三月党建", line=Line.PARTY_BUILDING,
                    starts_at=local(2026, 3, 10, 9))
        activity_of(world.a, title="三月公益", starts_at=local(2026, 3, 12, 9))
        activity_of(world.a, title="四月党建", line=Line.PARTY_BUILDING,
                    starts_at=local(2026, 4, 2, 9))
        activity_of(world.a, title="取消的党建", line=Line.PARTY_BUILDING,
                    status=ActivityStatus.CANCELLED, starts_at=local(2026, 3, 20, 9))
        activity_of(world.b, title="御沁园党建", line=Line.PARTY_BUILDING,
                    starts_at=local(2026, 3, 10, 9))
        client = login(world.officer)

        def titles(**params):
            return sorted(a.title for a in client.get(url("activity-list"), params)
                          .context["page"].object_list)

        assert titles(line="party_building", month="2026-03", status="open",
                      committee=world.a.pk) == ["三月党建"]
        assert titles(committee=world.b.pk) == ["御沁园党建"]
        assert titles(month="2026-04") == ["四月党建"]
        assert titles(status="cancelled") == ["取消的党建"]

    def test_the_month_starts_and_ends_at_midnight_in_shanghai(self, login, world):
        # 2026-03-01 00:30 in Shanghai is still February in UTC.
        activity_of(world.a, title="三月第一场", starts_at=local(2026, 3, 1, 0, 30))
        activity_of(world.a, title="二月最后一场", starts_at=local(2026, 2, 28, 23, 30))
        response = login(world.secretary_a).get(url("activity-list"), {"month": "2026-03"})
        assert [a.title for a in response.context["page"].object_list] == ["三月第一场"]

    @pytest.mark.parametrize("month", ["2026-13", "march", "0000-01", "2026-3-1", "9999-99"])
    def test_a_bad_month_is_reported_and_ignored(self, login, world, month):
        activity_of(world.a, title="学苑义诊")
        response = login(world.secretary_a).get(url("activity-list"), {"month": month})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Enter a month as year and month" in page
        assert "学苑义诊" in page

    def test_empty_and_filtered_empty_states(self, login, world):
        client = login(world.secretary_a)
        page = client.get(url("activity-list")).content.decode()
        assert "No activities yet." in page
        assert url("activity-create", world.a.pk) in page
        activity_of(world.a)
        page = client.get(url("activity-list"), {"status": "held"}).content.decode()
        assert "No activity matches these filters." in page

    def test_the_new_activity_button_goes_straight_to_ones_only_committee(self, login, world):
        page = login(world.secretary_a).get(url("activity-list")).content.decode()
        assert f'href="{url("activity-create", world.a.pk)}" data-testid="new-activity"' in page
        assert url("activity-create", world.b.pk) not in page

    def test_the_district_officer_chooses_the_committee(self, login, world):
        page = login(world.officer).get(url("activity-list")).content.decode()
        assert "dropdown-toggle" in page
        assert url("activity-create", world.a.pk) in page
        assert url("activity-create", world.b.pk) in page

    @pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
    def test_readers_get_no_new_activity_button(self, login, world, persona):
        activity_of(world.a)
        page = login(getattr(world, persona)).get(url("activity-list")).content.decode()
        assert 'data-testid="new-activity"' not in page
        assert url("activity-calendar", world.a.pk) in page

    def test_it_pages_by_twenty(self, login, world):
        for _ in range(21):
            activity_of(world.a)
        client = login(world.secretary_a)
        assert len(client.get(url("activity-list")).context["page"].object_list) == 20
        second = client.get(url("activity-list"), {"page": 2})
        assert len(second.context["page"].object_list) == 1

    def test_its_queries_do_not_grow_with_the_rows(
        self, login, world, django_assert_num_queries
    ):
        venue = world.a_venue
        client = login(world.secretary_a)
        for n in (3, 30):
            Activity.objects.all().delete()
            for _ in range(n):
                activity_of(world.a, venue=venue, capacity=10)
            # session, user, scope (roles, member), filter's committees, writable committees,
            # readable committees (calendar link), count, page
            with django_assert_num_queries(session_queries() + 7):
                response = client.get(url("activity-list"), {"line": "public_welfare"})
            assert len(response.context["page"].object_list) == min(n, 20)


# --- create and edit -----------------------------------------------------------------------

def form_data(world, **changes):
    data = {
        "title": "重阳节敬老义诊", "line": "public_welfare", "category": "健康",
        "project": "", "venue": world.a_venue.pk, "place": "",
        "starts_at": "2026-10-29T09:00", "ends_at": "2026-10-29T11:30",
        "capacity": "30", "status": "open", "description": "为辖区老人免费体检",
    }
    data.update(changes)
    return data


class TestActivityCreate:
    def test_the_secretary_plans_an_activity(self, login, world):
        team = ServiceTeamFactory(committee=world.a, name="便民健康服务队")
        data = form_data(world, branches=[world.a_branch.pk], units=[world.unit.pk],
                         teams=[team.pk])
        response = login(world.secretary_a).post(url("activity-create", world.a.pk), data)
        activity = Activity.objects.get()
        assert response.status_code == 302 and response.url == activity.get_absolute_url()
        assert (activity.committee, activity.created_by, activity.status) == (
            world.a, world.secretary_a, ActivityStatus.OPEN
        )
        assert timezone.localtime(activity.starts_at) == local(2026, 10, 29, 9)
        assert list(activity.branches.all()) == [world.a_branch]
        assert list(activity.units.all()) == [world.unit]
        assert list(activity.teams.all()) == [team]

    def test_the_form_offers_only_the_committees_own_choices(self, login, world):
        ServiceTeamFactory(committee=world.b)
        form = login(world.secretary_a).get(url("activity-create", world.a.pk)).context["form"]
        assert list(form.fields["venue"].queryset) == [world.a_venue]
        assert set(form.fields["branches"].queryset) == {world.a_branch, world.a_retirees}
        assert list(form.fields["teams"].queryset) == []
        assert [v for v, _ in form.fields["status"].choices] == ["planned", "open"]

    @pytest.mark.parametrize("changes", [
        {"ends_at": "2026-10-29T08:00"},
        {"title": ""},
        {"starts_at": "not a time"},
        {"capacity": "0"},
        {"status": "held"},
        {"line": "nonsense"},
        # a year no one means (SQLite and PostgreSQL both overflowed comparing it once)
        {"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T05:00"},
        # an id no database column holds (SQLite raised OverflowError once)
        {"units": ["99999999999999999999"]},
    ])
    def test_bad_input_is_refused_and_nothing_written(self, login, world, changes):
        response = login(world.secretary_a).post(
            url("activity-create", world.a.pk), form_data(world, **changes)
        )
        assert response.status_code == 400
        assert not Activity.objects.exists()

    def test_the_end_before_the_start_says_so(self, login, world):
        response = login(world.secretary_a).post(
            url("activity-create", world.a.pk), form_data(world, ends_at="2026-10-29T08:00")
        )
        assert "The end must come after the start." in response.content.decode()

    def test_another_committees_venue_branch_or_unit_is_refused(self, login, world):
        other_unit = UnitFactory(district=CommitteeFactory().district)
        client = login(world.secretary_a)
        for changes in (
            {"venue": world.b_venue.pk},
            {"branches": [world.b_branch.pk]},
            {"units": [other_unit.pk]},
        ):
            response = client.post(url("activity-create", world.a.pk), form_data(world, **changes))
            assert response.status_code == 400, changes
        assert not Activity.objects.exists()

    def test_the_district_officer_plans_for_any_committee(self, login, world):
        venue = VenueFactory(committee=world.b)
        response = login(world.officer).post(
            url("activity-create", world.b.pk), form_data(world, venue=venue.pk)
        )
        assert response.status_code == 302
        assert Activity.objects.get().committee == world.b

    def test_readers_may_not_plan(self, login, world):
        for user in (world.branch_secretary, world.member_user):
            response = login(user).post(url("activity-create", world.a.pk), form_data(world))
            assert response.status_code == 403
        assert login(world.secretary_b).post(
            url("activity-create", world.a.pk), form_data(world)
        ).status_code == 404
        assert not Activity.objects.exists()


class TestActivityUpdate:
    def test_the_secretary_edits_an_activity(self, login, world):
        activity = activity_of(world.a, title="旧标题")
        response = login(world.secretary_a).post(
            url("activity-update", activity.pk), form_data(world, title="新标题")
        )
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.title == "新标题"

    def test_places_cannot_drop_below_those_signed_up(self, login, world):
        activity = activity_of(world.a, title="旧标题", capacity=30, signed_up=12)
        response = login(world.secretary_a).post(
            url("activity-update", activity.pk), form_data(world, title="新标题", capacity="10")
        )
        assert response.status_code == 400
        assert "12 members have already signed up; places cannot be fewer." in (
            response.content.decode()
        )
        activity.refresh_from_db()
        assert (activity.title, activity.capacity) == ("旧标题", 30)

    def test_a_held_activity_keeps_its_status(self, login, world):
        activity = activity_of(world.a, status=ActivityStatus.HELD, outcome="圆满完成")
        client = login(world.secretary_a)
        form = client.get(url("activity-update", activity.pk)).context["form"]
        assert "status" not in form.fields
        client.post(url("activity-update", activity.pk), form_data(world, status="open"))
        activity.refresh_from_db()
        assert (activity.status, activity.outcome) == (ActivityStatus.HELD, "圆满完成")


# --- the activity's page -------------------------------------------------------------------

class TestActivityDetail:
    def test_it_shows_the_activity(self, login, world):
        team = ServiceTeamFactory(committee=world.a, name="普法志愿服务队")
        activity = activity_of(
            world.a, title="法律进社区", category="普法", venue=world.a_venue,
            starts_at=local(2026, 5, 9, 14), ends_at=local(2026, 5, 9, 16),
            capacity=40, signed_up=15, description="律师现场答疑",
        )
        activity.branches.set([world.a_branch])
        activity.units.set([world.unit])
        activity.teams.set([team])
        page = login(world.member_user).get(url("activity-detail", activity.pk)).content.decode()
        for text in ("法律进社区", "普法", world.a_venue.name, "2026-05-09 14:00",
                     "2026-05-09 16:00", "40 places: 15 taken, 25 left", world.a_branch.name,
                     world.unit.name, "普法志愿服务队", "律师现场答疑", "Open for sign-up"):
            assert text in page, text

    def test_writers_get_the_buttons_readers_do_not(self, login, world):
        activity = activity_of(world.a)
        buttons = [url(name, activity.pk) for name in (
            "activity-update", "activity-cancel", "activity-outcome", "qr",
            "attendance-roster", "signup-list", "activity-funding-create",
        )]
        page = login(world.secretary_a).get(url("activity-detail", activity.pk)).content.decode()
        assert all(b in page for b in buttons)
        page = login(world.member_user).get(url("activity-detail", activity.pk)).content.decode()
        assert not any(b in page for b in buttons)

    def test_it_shows_the_outcome_and_its_photos(self, login, world):
        activity = activity_of(world.a, status=ActivityStatus.HELD, outcome="服务老人 86 人次")
        photo = a_photo(activity)
        page = login(world.member_user).get(url("activity-detail", activity.pk)).content.decode()
        assert "服务老人 86 人次" in page
        assert f'src="{url("photo-file", activity.pk, photo.pk)}" width="300" height="200"' in page

    def test_it_includes_the_panels_when_they_have_something(
        self, login, world, monkeypatch
    ):
        activity = activity_of(world.a)
        monkeypatch.setattr(views.funding, "funding_panel", lambda user, **kw: {"total": 1})
        monkeypatch.setattr(views.attendance, "people_panel", lambda user, a: {"n": 2})
        response = login(world.secretary_a).get(url("activity-detail", activity.pk))
        assert response.status_code == 200
        assert response.context["funding"] == {"total": 1}
        assert response.context["people"] == {"n": 2}

    def test_its_queries_do_not_grow_with_attendance_funding_and_photos(
        self, login, world, django_assert_num_queries
    ):
        from activities.models import Attendance
        from members.models import Member
        from tests.factories import FundingFactory, MemberFactory

        activity = activity_of(world.a, status=ActivityStatus.HELD, venue=world.a_venue)
        client = login(world.secretary_a)

        def grow_to(n):
            for _ in range(Attendance.objects.filter(activity=activity).count(), n):
                member = MemberFactory(committee=world.a, branch=world.a_branch)
                Attendance.objects.create(activity=activity, member=member, method="qr",
                                          hours=1)
                FundingFactory(committee=world.a, activity=activity)
                a_photo(activity)

        # user, scope (roles, member), the activity, can_write (asked by the page and its
        # cards, answered once), funding lines and sums, signups, attendance, branches, units,
        # teams, photos (+ the session and the bell)
        expected = 9 + session_queries()
        grow_to(1)
        with django_assert_num_queries(expected):
            assert client.get(url("activity-detail", activity.pk)).status_code == 200
        grow_to(6)
        with django_assert_num_queries(expected):
            response = client.get(url("activity-detail", activity.pk))
        assert response.status_code == 200
        assert Member.objects.filter(attendances__activity=activity).count() == 6


# --- cancel --------------------------------------------------------------------------------

# The activity page's statements, the same at any size (the session aside): counted on the
# bench too, where a district officer verified by an authenticator spends one more for
# django-otp's device (10).
ACTIVITY_PAGE_QUERIES = {"secretary_a": 9, "officer": 9}


@pytest.mark.parametrize("persona", list(ACTIVITY_PAGE_QUERIES))
def test_the_activity_page_spends_the_same_queries_at_two_sizes(
    login, world, django_assert_num_queries, persona
):
    from activities.models import Attendance

    activity = activity_of(world.a, venue=world.a_venue, status=ActivityStatus.HELD,
                           outcome="服务老人")
    client = login(getattr(world, persona))
    expected = ACTIVITY_PAGE_QUERIES[persona] + session_queries()
    with django_assert_num_queries(expected):
        assert client.get(url("activity-detail", activity.pk)).status_code == 200
    teams = [ServiceTeamFactory(committee=world.a, name=f"服务队{n}") for n in range(3)]
    activity.teams.set(teams)
    activity.units.set([UnitFactory(district=world.district) for _ in range(3)])
    activity.branches.set([world.a_branch, world.a_retirees])
    for n in range(12):
        Attendance.objects.create(activity=activity, method="qr", hours=1,
                                  member=MemberFactory(committee=world.a, name=f"参加{n}"))
    for _ in range(3):
        a_photo(activity)
    with django_assert_num_queries(expected):
        page = client.get(url("activity-detail", activity.pk)).content.decode()
    assert "服务队2" in page


class TestActivityCancel:
    def test_it_asks_first_then_cancels(self, login, world):
        activity = activity_of(world.a, title="学苑义诊")
        client = login(world.secretary_a)
        page = client.get(url("activity-cancel", activity.pk)).content.decode()
        assert "Yes, cancel it" in page
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.OPEN
        response = client.post(url("activity-cancel", activity.pk))
        assert response.status_code == 302
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.CANCELLED

    def test_a_held_activity_cannot_be_cancelled(self, login, world):
        activity = activity_of(world.a, status=ActivityStatus.HELD)
        response = login(world.secretary_a).post(url("activity-cancel", activity.pk))
        assert response.status_code == 400
        assert "A held activity cannot be cancelled." in response.content.decode()
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.HELD


# --- outcome and photos --------------------------------------------------------------------

def started(committee, **fields):
    starts = timezone.now() - timedelta(hours=3)
    return activity_of(committee, starts_at=starts, ends_at=starts + timedelta(hours=2),
                       **fields)


class TestActivityOutcome:
    def test_the_secretary_records_the_outcome_with_photos(self, login, world):
        activity = started(world.a)
        response = login(world.secretary_a).post(url("activity-outcome", activity.pk), {
            "outcome": "义诊 120 人次", "caption": "现场", "photos": [png(), png(name="b.png")],
        })
        assert response.status_code == 302
        activity.refresh_from_db()
        assert (activity.status, activity.outcome) == (ActivityStatus.HELD, "义诊 120 人次")
        assert [p.caption for p in activity.photos.all()] == ["现场", "现场"]

    def test_the_page_shows_the_photos_with_a_delete_link(self, login, world):
        activity = started(world.a, status=ActivityStatus.HELD, outcome="好")
        photo = a_photo(activity)
        page = login(world.secretary_a).get(url("activity-outcome", activity.pk)).content.decode()
        assert url("photo-delete", activity.pk, photo.pk) in page
        assert 'enctype="multipart/form-data"' in page

    def test_a_bad_file_keeps_everything_unchanged(self, login, world):
        activity = started(world.a)
        not_an_image = SimpleUploadedFile("x.jpg", b"hello", content_type="image/jpeg")
        response = login(world.secretary_a).post(url("activity-outcome", activity.pk), {
            "outcome": "义诊 120 人次", "photos": [png(), not_an_image],
        })
        assert response.status_code == 400
        assert "“x.jpg”: this is not an image" in response.content.decode()
        activity.refresh_from_db()
        assert (activity.status, activity.outcome) == (ActivityStatus.OPEN, "")
        assert not ActivityPhoto.objects.exists()

    def test_no_outcome_before_the_activity_starts(self, login, world):
        activity = activity_of(world.a)  # a week from now
        response = login(world.secretary_a).post(
            url("activity-outcome", activity.pk), {"outcome": "提前写好", "photos": [png()]}
        )
        assert response.status_code == 400
        assert "has not started yet" in response.content.decode()
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.OPEN
        assert not ActivityPhoto.objects.exists()

    def test_an_empty_outcome_is_refused(self, login, world):
        activity = started(world.a)
        response = login(world.secretary_a).post(url("activity-outcome", activity.pk),
                                                 {"outcome": ""})
        assert response.status_code == 400
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.OPEN

    def test_more_than_six_photos_at_a_time_are_refused(self, login, world):
        activity = started(world.a)
        response = login(world.secretary_a).post(url("activity-outcome", activity.pk), {
            "outcome": "好", "photos": [png(name=f"{i}.png") for i in range(7)],
        })
        assert response.status_code == 400
        assert not ActivityPhoto.objects.exists()


class TestPhotoPages:
    def test_a_reader_gets_the_jpeg_privately_cached(self, login, world):
        activity = started(world.a, status=ActivityStatus.HELD, outcome="好")
        photo = a_photo(activity)
        response = login(world.member_user).get(url("photo-file", activity.pk, photo.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"

    def test_a_photo_is_found_only_under_its_activity(self, login, world):
        activity = started(world.a, status=ActivityStatus.HELD, outcome="好")
        other = activity_of(world.a)
        photo = a_photo(activity)
        response = login(world.secretary_a).get(url("photo-file", other.pk, photo.pk))
        assert response.status_code == 404

    def test_the_secretary_deletes_a_photo_after_confirming(self, login, world):
        activity = started(world.a, status=ActivityStatus.HELD, outcome="好")
        photo = a_photo(activity)
        client = login(world.secretary_a)
        assert client.get(url("photo-delete", activity.pk, photo.pk)).status_code == 200
        assert ActivityPhoto.objects.exists()
        response = client.post(url("photo-delete", activity.pk, photo.pk))
        assert response.status_code == 302
        assert response.url == url("activity-outcome", activity.pk)
        assert not ActivityPhoto.objects.exists()
