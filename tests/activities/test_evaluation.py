"""Two-way evaluation (双向评价): the community rates each checked-in member's service for a
year from their record; the member rates the community's organisation of service,
anonymously; the feedback sheet carries the rating and remark; the unit's liaison reads their
people's sheets; the district reads both directions per committee."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import evaluation
from activities.models import (
    Attendance,
    CommunityBallot,
    CommunityRating,
    ServiceRating,
)
from members.models import CheckIn, CheckInStatus
from tests.conftest import session_queries
from tests.factories import ActivityFactory, MemberFactory, UnitFactory, UserFactory, grant

THIS = timezone.localdate().year
LAST = THIS - 1


def in_service(world, name, *, unit=None, committee=None, status=CheckInStatus.CONFIRMED,
               started_on=None, ended_on=None, user=None):
    """An in-service member (membership at the employer) checked in to ``committee`` (A)."""
    member = MemberFactory(committee=committee or world.a, branch=None, name=name,
                           outside_organisation="运城市第一医院党委", category="in_service",
                           employer_unit=unit or world.unit, user=user)
    extra = {"end_reason": "moved_away"} if status == CheckInStatus.ENDED else {}
    if status == CheckInStatus.RETURNED:
        extra = {"return_reason": "不住本社区"}
    checkin = CheckIn.objects.create(
        member=member, committee=committee or world.a, status=status,
        started_on=started_on or date(LAST - 1, 3, 1), ended_on=ended_on, **extra)
    return checkin


def attended(member, committee, when, hours="2.0"):
    activity = ActivityFactory(committee=committee, status="held", starts_at=when,
                               ends_at=when + timedelta(hours=2))
    Attendance.objects.create(activity=activity, member=member, method="roster",
                              hours=Decimal(hours))


def local(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def list_url(world, year=LAST, committee=None):
    return reverse("activities:committee-evaluation",
                   args=[(committee or world.a).pk]) + f"?year={year}"


def rate_url(world, year=LAST):
    return reverse("activities:evaluation-rate", args=[world.a.pk]) + f"?year={year}"


@pytest.fixture
def zhou(world):
    """周晓明 of the world's unit, checked in to A: three activities at A last year (one in
    the first hour of the year, Shanghai time), one at B, one the year before."""
    checkin = in_service(world, "周晓明")
    member = checkin.member
    attended(member, world.a, local(LAST, 1, 1, 0), "2.5")
    attended(member, world.a, local(LAST, 6, 30, 20), "1.0")
    attended(member, world.a, local(LAST, 12, 31, 20), "3.0")
    attended(member, world.b, local(LAST, 5, 5), "4.0")
    attended(member, world.a, local(LAST - 1, 12, 31, 20), "4.0")
    return checkin


# --- the community rates its checked-in members ---------------------------------------------

def test_the_list_shows_each_members_record_of_the_year_from_attendance(client, world, zhou):
    client.force_login(world.secretary_a)
    response = client.get(list_url(world))
    rows = list(response.context["page"].object_list)
    assert [(r.member.name, r.activities, r.hours) for r in rows] == [
        ("周晓明", 3, Decimal("6.5"))]
    assert "周晓明" in response.content.decode()


def test_only_check_ins_in_force_during_the_year_are_listed(client, world, zhou):
    in_service(world, "吴丽娟", status=CheckInStatus.ENDED, started_on=date(LAST - 2, 1, 1),
               ended_on=date(LAST - 1, 12, 31))  # ended before the year
    in_service(world, "孙国庆", status=CheckInStatus.PENDING)
    in_service(world, "钱红梅", status=CheckInStatus.RETURNED)
    in_service(world, "冯建军", started_on=date(THIS, 1, 1))  # began after it
    ended = in_service(world, "陈秀英", status=CheckInStatus.ENDED,
                       started_on=date(LAST - 2, 1, 1), ended_on=date(LAST, 1, 1))
    in_service(world, "李在B", committee=world.b)
    client.force_login(world.secretary_a)
    rows = client.get(list_url(world)).context["page"].object_list
    assert sorted(r.member.name for r in rows) == sorted([ended.member.name, "周晓明"])


def test_the_secretary_rates_a_member_and_it_shows_on_the_list(client, world, zhou):
    client.force_login(world.secretary_a)
    response = client.post(rate_url(world), {f"rating-{zhou.pk}": "excellent",
                                             f"remark-{zhou.pk}": " 积极参加志愿服务 "})
    assert response.status_code == 302
    assert response.url == list_url(world) + "&page=1"
    rating = ServiceRating.objects.get()
    assert (rating.checkin, rating.year, rating.rating, rating.remark, rating.rated_by) == (
        zhou, LAST, "excellent", "积极参加志愿服务", world.secretary_a)
    page = client.get(list_url(world)).content.decode()
    assert "Excellent" in page and "积极参加志愿服务" in page
    # the year after has no rating yet
    assert "积极参加志愿服务" not in client.get(list_url(world, THIS)).content.decode()


def test_the_form_shows_the_record_and_has_no_field_for_it(client, world, zhou):
    client.force_login(world.secretary_a)
    response = client.get(rate_url(world))
    assert set(response.context["form"].fields) == {f"rating-{zhou.pk}", f"remark-{zhou.pk}"}
    html = response.content.decode()
    assert '<td class="text-end">3</td><td class="text-end">6.5</td>' in html
    assert f'for="id_rating-{zhou.pk}"' in html  # each select has its label
    # a figure typed into the POST is ignored: the record stays what attendance says
    client.post(rate_url(world), {f"rating-{zhou.pk}": "qualified", f"activities-{zhou.pk}": 99,
                                  f"hours-{zhou.pk}": "99"})
    row = client.get(list_url(world)).context["page"].object_list[0]
    assert (row.activities, row.hours, row.rating) == (3, Decimal("6.5"), "qualified")


def test_a_remark_without_a_rating_is_refused_and_nothing_is_written(client, world, zhou):
    other = in_service(world, "吴丽娟")
    client.force_login(world.secretary_a)
    response = client.post(rate_url(world), {
        f"rating-{other.pk}": "qualified",
        f"rating-{zhou.pk}": "", f"remark-{zhou.pk}": "表现很好",
    })
    assert response.status_code == 400
    assert "Choose a rating for 周晓明 to go with the remark." in response.content.decode()
    assert not ServiceRating.objects.exists()  # not even 吴丽娟's


def test_a_rating_not_on_the_list_is_refused_naming_the_member(client, world, zhou):
    client.force_login(world.secretary_a)
    response = client.post(rate_url(world), {f"rating-{zhou.pk}": "perfect"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[f"rating-{zhou.pk}"]
    assert form[f"rating-{zhou.pk}"].label == "Rating of 周晓明"  # the error names the member
    assert not ServiceRating.objects.exists()


def test_a_remark_too_long_is_refused(client, world, zhou):
    client.force_login(world.secretary_a)
    response = client.post(rate_url(world), {f"rating-{zhou.pk}": "qualified",
                                             f"remark-{zhou.pk}": "好" * 201})
    assert response.status_code == 400 and f"remark-{zhou.pk}" in response.context["form"].errors
    assert not ServiceRating.objects.exists()


def test_emptying_the_rating_removes_it(client, world, zhou):
    evaluation.service_rating_set(checkin=zhou, committee=world.a, year=LAST, rating="basic",
                                  remark="", user=world.secretary_a)
    client.force_login(world.secretary_a)
    assert client.post(rate_url(world), {f"rating-{zhou.pk}": ""}).status_code == 302
    assert not ServiceRating.objects.exists()


def test_the_service_refuses_another_committees_or_years_check_in(world, zhou):
    with pytest.raises(ValidationError, match="was not checked in here during"):
        evaluation.service_rating_set(checkin=zhou, committee=world.b, year=LAST,
                                      rating="qualified", remark="", user=world.secretary_b)
    with pytest.raises(ValidationError, match="was not checked in here during 2001"):
        evaluation.service_rating_set(checkin=zhou, committee=world.a, year=2001,
                                      rating="qualified", remark="", user=world.secretary_a)
    with pytest.raises(ValidationError, match="Choose one of the ratings"):
        evaluation.service_rating_set(checkin=zhou, committee=world.a, year=LAST,
                                      rating="perfect", remark="", user=world.secretary_a)
    assert not ServiceRating.objects.exists()


def test_a_year_to_come_falls_back_to_this_year(client, world, zhou):
    client.force_login(world.secretary_a)
    assert client.get(list_url(world, THIS + 1)).context["year"] == THIS


def test_another_committee_cannot_see_or_rate(client, world, zhou):
    client.force_login(world.secretary_b)
    assert client.get(list_url(world)).status_code == 404
    assert client.post(rate_url(world), {f"rating-{zhou.pk}": "excellent"}).status_code == 404
    client.force_login(world.branch_secretary)
    assert client.post(rate_url(world), {f"rating-{zhou.pk}": "excellent"}).status_code == 403
    assert not ServiceRating.objects.exists()


def test_a_rating_is_in_the_audit_log_with_who(client, world, zhou):
    client.force_login(world.secretary_a)
    client.post(rate_url(world), {f"rating-{zhou.pk}": "excellent", f"remark-{zhou.pk}": "好"})
    client.post(rate_url(world), {f"rating-{zhou.pk}": "qualified", f"remark-{zhou.pk}": "好"})
    entries = LogEntry.objects.get_for_model(ServiceRating).order_by("timestamp", "pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == world.secretary_a for e in entries)


def test_the_page_counts_what_the_community_gave(client, world, zhou):
    other = in_service(world, "吴丽娟")
    for checkin, rating in [(zhou, "excellent"), (other, "excellent")]:
        evaluation.service_rating_set(checkin=checkin, committee=world.a, year=LAST,
                                      rating=rating, remark="", user=world.secretary_a)
    client.force_login(world.secretary_a)
    counts = client.get(list_url(world)).context["rating_counts"]
    assert counts[0] == ("Excellent", 2) and sum(n for _label, n in counts) == 2


def test_an_empty_year_says_so(client, world):
    client.force_login(world.secretary_a)
    page = client.get(list_url(world)).content.decode()
    assert "No in-service member was checked in here during this year." in page


@pytest.mark.parametrize("url_of", [list_url, rate_url])
def test_the_pages_spend_the_same_queries_for_more_members(
    client, world, zhou, django_assert_num_queries, url_of
):
    client.force_login(world.secretary_a)
    client.get(url_of(world))
    # user, scope, committee (with its write check), count, rows (with record and rating);
    # the list also the counts per rating and the members' ratings of the community
    expected = (7 if url_of is list_url else 5) + session_queries()
    with django_assert_num_queries(expected):
        client.get(url_of(world))
    for i in range(6):
        checkin = in_service(world, f"在职党员{i}")
        attended(checkin.member, world.a, local(LAST, 4, 1 + i))
        evaluation.service_rating_set(checkin=checkin, committee=world.a, year=LAST,
                                      rating="qualified", remark="按要求参加", user=None)
    with django_assert_num_queries(expected):
        response = client.get(url_of(world))
    assert response.status_code == 200 and "在职党员5" in response.content.decode()


def test_the_list_is_paginated(client, world):
    for i in range(27):
        in_service(world, f"在职党员{i:02d}")
    client.force_login(world.secretary_a)
    first = client.get(list_url(world)).context["page"]
    assert len(first.object_list) == 25 and first.paginator.num_pages == 2
    second = client.get(list_url(world) + "&page=2")
    assert [r.member.name for r in second.context["page"].object_list] == [
        "在职党员25", "在职党员26"]
    # the form of page 2 rates page 2's members only, and goes back to page 2
    rows = second.context["page"].object_list
    response = client.post(rate_url(world) + "&page=2", {f"rating-{rows[0].pk}": "basic"})
    assert response.url.endswith("&page=2")
    assert ServiceRating.objects.get().checkin_id == rows[0].pk


# --- the feedback sheet carries the rating and remark ---------------------------------------

def sheet_url(world, **params):
    return reverse("activities:feedback-sheet", args=[world.a.pk]), params


def test_the_quarterly_sheet_carries_the_years_rating_and_remark(client, world, zhou):
    evaluation.service_rating_set(checkin=zhou, committee=world.a, year=LAST,
                                  rating="excellent", remark="带头作用明显", user=None)
    client.force_login(world.secretary_a)
    path, params = sheet_url(world, year=LAST, quarter=2, unit=world.unit.pk)
    response = client.get(path, params)
    row = response.context["rows"][0]
    assert (row.activities, row.rating_label, row.remark) == (1, "Excellent", "带头作用明显")
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(path, {**params, "format": "xlsx"}).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("年度评价", "评语")
    assert rows[1][-2:] == ("Excellent", "带头作用明显")


def test_a_member_not_rated_shows_no_rating_on_the_sheet(client, world, zhou):
    client.force_login(world.secretary_a)
    path, params = sheet_url(world, year=LAST, quarter=0, unit=world.unit.pk)
    assert client.get(path, params).context["rows"][0].rating_label == ""
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(path, {**params, "format": "xlsx"}).content)).active
    assert list(sheet.iter_rows(values_only=True))[1][-2:] in ((None, None), ("", ""))


def test_the_yearly_sheet_counts_the_whole_year(client, world, zhou):
    client.force_login(world.secretary_a)
    path, params = sheet_url(world, year=LAST, quarter=0, unit=world.unit.pk)
    response = client.get(path, params)
    assert response.context["quarter"].is_year
    row = response.context["rows"][0]
    assert (row.activities, row.hours) == (3, Decimal("6.5"))
    assert f"{world.unit.name}, the year {LAST}" in response.content.decode()
    download = client.get(path, {**params, "format": "xlsx"})
    assert f"{LAST}-" in download["Content-Disposition"] and "Q" not in (
        download["Content-Disposition"].split(str(LAST))[1][:2])
    assert openpyxl.load_workbook(io.BytesIO(download.content)).active.title == f"{LAST}年"


# --- the unit's liaison reads their people's sheets -----------------------------------------

@pytest.fixture
def liaison_world(world, liaison, zhou):
    """周晓明 (the unit's) at A, 吴丽娟 (the unit's) at B, 孙国庆 of another unit at A."""
    wu = in_service(world, "吴丽娟", committee=world.b)
    other_unit = UnitFactory(district=world.district, name="税务局")
    sun = in_service(world, "孙国庆", unit=other_unit)
    other_liaison = UserFactory(username="tax_liaison")
    grant(other_liaison, "unit_liaison", other_unit)
    evaluation.service_rating_set(checkin=zhou, committee=world.a, year=LAST,
                                  rating="excellent", remark="带头作用明显", user=None)
    return {"wu": wu, "sun": sun, "other_unit": other_unit, "other_liaison": other_liaison}


def unit_url(world, unit=None, **params):
    return reverse("activities:unit-feedback", args=[(unit or world.unit).pk]), params


def unit_sheet_url(world, committee, unit=None):
    return reverse("activities:unit-feedback-sheet",
                   args=[(unit or world.unit).pk, committee.pk])


def test_the_liaison_lists_a_sheet_per_community_of_their_people(
        client, world, liaison, liaison_world):
    client.force_login(liaison)
    path, params = unit_url(world, year=LAST, quarter=0)
    page = client.get(path, params).context["page"]
    assert [(c.name, c.people) for c in page.object_list] == [("学苑社区", 1), ("御沁园社区", 1)]


def test_the_liaison_reads_and_downloads_their_peoples_sheet_with_ratings(
        client, world, liaison, liaison_world):
    client.force_login(liaison)
    params = {"year": LAST, "quarter": 0}
    response = client.get(unit_sheet_url(world, world.a), params)
    html = response.content.decode()
    assert "周晓明" in html and "带头作用明显" in html
    assert "孙国庆" not in html  # another unit's, at the same community
    download = client.get(unit_sheet_url(world, world.a), {**params, "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(download.content)).active.iter_rows(
        values_only=True))
    assert [r[0] for r in rows[1:]] == ["周晓明"] and rows[1][-2:] == ("Excellent", "带头作用明显")


def test_another_units_liaison_gets_404(client, world, liaison_world):
    client.force_login(liaison_world["other_liaison"])
    params = {"year": LAST, "quarter": 0}
    path, _params = unit_url(world)
    assert client.get(path, params).status_code == 404
    assert client.get(unit_sheet_url(world, world.a), params).status_code == 404
    assert client.get(unit_sheet_url(world, world.a), {**params, "format": "xlsx"}
                      ).status_code == 404
    # their own unit's sheet from A lists their own person only
    own = client.get(unit_sheet_url(world, world.a, liaison_world["other_unit"]), params)
    assert [r.member.name for r in own.context["rows"]] == ["孙国庆"]


def test_the_committees_secretary_reads_the_sheet_on_the_committees_side_only(
        client, world, liaison_world):
    client.force_login(world.secretary_a)
    path, params = unit_url(world, year=LAST, quarter=0)
    assert client.get(path, params).status_code == 404


def test_a_community_without_the_units_people_has_no_sheet(client, world, liaison):
    committee_c = world.b  # nobody of the unit checked in there
    client.force_login(liaison)
    assert client.get(unit_sheet_url(world, committee_c), {"year": LAST}).status_code == 404


def test_the_liaisons_list_says_when_there_is_nothing(client, world, liaison):
    client.force_login(liaison)
    path, params = unit_url(world, year=LAST, quarter=1)
    html = client.get(path, params).content.decode()
    assert "was checked in to a community during this period" in html


def test_the_units_page_links_the_sheets_for_its_liaison_only(client, world, liaison):
    link = reverse("activities:unit-feedback", args=[world.unit.pk])
    client.force_login(liaison)
    assert link in client.get(reverse("units:unit-detail", args=[world.unit.pk])).content.decode()
    client.force_login(world.secretary_a)
    assert link not in client.get(
        reverse("units:unit-detail", args=[world.unit.pk])).content.decode()


def test_the_liaisons_list_spends_the_same_queries_for_more_communities(
        client, world, liaison, zhou, django_assert_num_queries):
    from tests.factories import CommitteeFactory

    client.force_login(liaison)
    path, params = unit_url(world, year=LAST, quarter=0)
    client.get(path, params)
    # user, scope (3: a liaison's committees, by membership and by agreement), unit, count,
    # rows
    expected = 7 + session_queries()
    with django_assert_num_queries(expected):
        client.get(path, params)
    for i in range(4):
        committee = CommitteeFactory(district=world.district, name=f"社区{i}")
        in_service(world, f"在职党员{i}", committee=committee)
    with django_assert_num_queries(expected):
        response = client.get(path, params)
    assert len(response.context["page"].object_list) == 5


# --- the member rates the community, anonymously --------------------------------------------

@pytest.fixture
def voter(world):
    """A member with an account, checked in to A since before last year."""
    user = UserFactory(username="voter")
    return in_service(world, "赵志强", user=user)


def rate_community(client, target, score):
    return client.post(reverse("activities:community-rating"),
                       {"target": target, "score": score})


def test_a_checked_in_member_rates_their_community_once_a_year(client, world, voter):
    client.force_login(voter.member.user)
    page = client.get(reverse("activities:community-rating"))
    assert {t.key for t in page.context["targets"]} == {f"{world.a.pk}-{THIS}",
                                                         f"{world.a.pk}-{LAST}"}
    response = rate_community(client, f"{world.a.pk}-{THIS}", 4)
    assert response.status_code == 302
    assert CommunityBallot.objects.filter(member=voter.member, committee=world.a,
                                          year=THIS).count() == 1
    assert list(CommunityRating.objects.values_list("committee", "year", "score")) == [
        (world.a.pk, THIS, 4)]
    # once: the year is no longer offered, and a second rating is refused
    again = rate_community(client, f"{world.a.pk}-{THIS}", 1)
    assert again.status_code == 400 and "target" in again.context["form"].errors
    assert CommunityRating.objects.count() == 1
    with pytest.raises(ValidationError, match="already rated"):
        evaluation.community_rate(member=voter.member, committee=world.a, year=THIS, score=2)
    assert CommunityRating.objects.count() == 1 and CommunityBallot.objects.count() == 1


def test_a_member_cannot_rate_a_community_they_were_not_checked_in_to(client, world, voter):
    client.force_login(voter.member.user)
    response = rate_community(client, f"{world.b.pk}-{THIS}", 5)
    assert response.status_code == 400 and "target" in response.context["form"].errors
    with pytest.raises(ValidationError, match="only for a year you were checked in"):
        evaluation.community_rate(member=voter.member, committee=world.b, year=THIS, score=5)
    with pytest.raises(ValidationError, match="only for a year you were checked in"):
        evaluation.community_rate(member=voter.member, committee=world.a, year=LAST - 1,
                                  score=5)  # checked in then, but too long ago
    assert not CommunityRating.objects.exists() and not CommunityBallot.objects.exists()


def test_a_pending_check_in_gives_nothing_to_rate(client, world):
    user = UserFactory(username="waiting")
    in_service(world, "钱红梅", status=CheckInStatus.PENDING, user=user)
    client.force_login(user)
    html = client.get(reverse("activities:community-rating")).content.decode()
    assert "once you have checked in there" in html
    assert rate_community(client, f"{world.a.pk}-{THIS}", 5).status_code == 400
    assert not CommunityRating.objects.exists()


def test_a_bad_score_is_refused(client, world, voter):
    client.force_login(voter.member.user)
    for score in ["9", "0", "很好", ""]:
        response = rate_community(client, f"{world.a.pk}-{THIS}", score)
        assert response.status_code == 400 and "score" in response.context["form"].errors
    with pytest.raises(ValidationError):
        evaluation.community_rate(member=voter.member, committee=world.a, year=THIS, score=6)
    assert not CommunityRating.objects.exists() and not CommunityBallot.objects.exists()


def test_a_rating_of_the_community_keeps_nothing_that_names_the_rater(client, world, voter):
    """The rating row has no member, user or time; its key is random; the audit log has the
    ballot (who rated) and never the score."""
    assert {f.name for f in CommunityRating._meta.get_fields()} == {
        "id", "committee", "year", "score"}
    client.force_login(voter.member.user)
    rate_community(client, f"{world.a.pk}-{THIS}", 2)
    rating = CommunityRating.objects.get()
    assert isinstance(rating.pk, type(__import__("uuid").uuid4()))
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CommunityRating)).exists()
    ballot_entry = LogEntry.objects.get_for_model(CommunityBallot).get()
    assert ballot_entry.actor == voter.member.user and "score" not in ballot_entry.changes_str


def test_the_committee_reads_no_ballot_and_sees_only_figures(client, world, voter):
    client.force_login(voter.member.user)
    rate_community(client, f"{world.a.pk}-{THIS}", 2)
    assert not CommunityBallot.objects.for_user(world.secretary_a).exists()
    assert not CommunityBallot.objects.for_user(world.officer).exists()
    assert CommunityBallot.objects.for_user(voter.member.user).count() == 1
    assert CommunityRating.objects.for_user(world.secretary_a).count() == 1
    assert not CommunityRating.objects.for_user(world.secretary_b).exists()
    assert not CommunityRating.objects.for_user(voter.member.user, write=True).exists()


def test_fewer_than_three_ratings_show_no_average_or_distribution(client, world, voter):
    client.force_login(voter.member.user)
    rate_community(client, f"{world.a.pk}-{THIS}", 1)
    client.force_login(world.secretary_a)
    response = client.get(list_url(world, THIS))
    figures = response.context["community"]
    assert (figures.count, figures.average, figures.distribution) == (1, None, None)
    html = response.content.decode()
    assert "1 rating: fewer than 3, not shown" in html and "community-average" not in html
    for name in ["甲", "乙"]:
        other = in_service(world, f"党员{name}")
        evaluation.community_rate(member=other.member, committee=world.a, year=THIS, score=5)
    response = client.get(list_url(world, THIS))
    figures = response.context["community"]
    assert (figures.count, figures.average) == (3, Decimal("3.7"))
    assert figures.distribution == [("Very satisfied", 2), ("Satisfied", 0), ("Fair", 0),
                                    ("Dissatisfied", 0), ("Very dissatisfied", 1)]
    assert "3.7 of 5 from 3 ratings" in response.content.decode()


def test_the_members_page_invites_them_to_rate(client, world, voter):
    client.force_login(voter.member.user)
    html = client.get(reverse("members:me")).content.decode()
    assert "rate-community-card" in html and reverse("activities:community-rating") in html
    client.force_login(world.member_user)  # not checked in anywhere: no card
    assert "rate-community-card" not in client.get(reverse("members:me")).content.decode()


def test_a_staff_account_has_no_community_to_rate(client, world):
    client.force_login(world.secretary_a)
    assert client.get(reverse("activities:community-rating")).status_code == 404


# --- the district: both directions per committee --------------------------------------------

def district_url(world, year=LAST):
    return reverse("activities:district-evaluations", args=[world.district.pk]) + f"?year={year}"


def test_the_district_sees_both_directions_per_committee(client, world, zhou):
    evaluation.service_rating_set(checkin=zhou, committee=world.a, year=LAST, rating="basic",
                                  remark="", user=None)
    # an earlier check-in of 周晓明's that ended in the year: still one member checked in
    CheckIn.objects.create(member=zhou.member, committee=world.a, status=CheckInStatus.ENDED,
                           started_on=date(LAST - 2, 1, 1), ended_on=date(LAST, 1, 15),
                           end_reason="moved_away")
    in_service(world, "吴丽娟", committee=world.b)
    for i, score in enumerate([5, 4, 4]):
        member = in_service(world, f"党员{i}", committee=world.b).member
        CommunityBallot.objects.create(member=member, committee=world.b, year=LAST)
        CommunityRating.objects.create(committee=world.b, year=LAST, score=score)
    client.force_login(world.officer)
    rows = {r["committee"].name: r for r in client.get(district_url(world)).context["rows"]}
    a, b = rows["学苑社区"], rows["御沁园社区"]
    assert (a["checked_in"], a["rated"], dict(a["ratings"])["Basically qualified"]) == (1, 1, 1)
    assert (b["checked_in"], b["rated"]) == (4, 0)
    assert a["community"].count == 0
    assert (b["community"].count, b["community"].average) == (3, Decimal("4.3"))


def test_only_the_district_reads_its_page(client, world):
    for user in [world.secretary_a, world.branch_secretary, world.member_user]:
        client.force_login(user)
        assert client.get(district_url(world)).status_code == 404


def test_the_district_page_spends_the_same_queries_for_more_committees(
        client, world, zhou, django_assert_num_queries):
    from tests.factories import CommitteeFactory

    client.force_login(world.officer)
    client.get(district_url(world))
    # user, scope, district, committees, checked in, service ratings, community ratings
    expected = 7 + session_queries()
    with django_assert_num_queries(expected):
        client.get(district_url(world))
    for i in range(3):
        committee = CommitteeFactory(district=world.district, name=f"社区{i}")
        checkin = in_service(world, f"在职党员{i}", committee=committee)
        evaluation.service_rating_set(checkin=checkin, committee=committee, year=LAST,
                                      rating="qualified", remark="", user=None)
        CommunityRating.objects.create(committee=committee, year=LAST, score=4)
    with django_assert_num_queries(expected):
        response = client.get(district_url(world))
    assert len(response.context["rows"]) == 5


def test_the_check_in_queue_links_the_evaluation(client, world):
    client.force_login(world.secretary_a)
    html = client.get(reverse("members:checkin-queue", args=[world.a.pk])).content.decode()
    assert reverse("activities:committee-evaluation", args=[world.a.pk]) in html


def test_the_service_ratings_scope(world, liaison, liaison_world, zhou):
    """The committee's side keeps them; the liaison of the member's employer reads them; the
    other committee and another unit's liaison see none."""
    assert ServiceRating.objects.for_user(world.secretary_a, write=True).count() == 1
    assert ServiceRating.objects.for_user(liaison).count() == 1
    assert not ServiceRating.objects.for_user(liaison, write=True).exists()
    assert not ServiceRating.objects.for_user(world.secretary_b).exists()
    assert not ServiceRating.objects.for_user(liaison_world["other_liaison"]).exists()
    assert not ServiceRating.objects.for_user(world.member_user).exists()
