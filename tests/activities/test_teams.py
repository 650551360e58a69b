"""Volunteer service teams: who may be on one, the hours it served (per team and per member),
and the pages (list, team page, create, edit) with their scope."""

import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import teams
from activities.models import Attendance, ServiceTeam
from tests.conftest import session_queries
from tests.factories import ActivityFactory, MemberFactory, ServiceTeamFactory


def text(response):
    return html.unescape(response.content.decode())


def attend(activity, member, hours):
    return Attendance.objects.create(
        activity=activity, member=member, method="roster", hours=Decimal(hours)
    )


@pytest.fixture
def crew(world):
    """A health team of committee A with two members, two activities it served and one it
    did not; plus a second team serving the first activity too."""
    team = ServiceTeamFactory(committee=world.a, name="便民健康服务队")
    zhang = MemberFactory(committee=world.a, branch=world.a_branch, name="张医生")
    li = MemberFactory(committee=world.a, branch=world.a_retirees, name="李护士")
    outsider = MemberFactory(committee=world.a, branch=world.a_branch, name="王路人")
    team.members.set([zhang, li])
    team.leader = zhang
    team.save()
    clinic = ActivityFactory(committee=world.a, title="义诊")
    lecture = ActivityFactory(committee=world.a, title="健康讲座")
    own = ActivityFactory(committee=world.a, title="个人参加的活动")
    clinic.teams.add(team)
    lecture.teams.add(team)
    # Another team serves the clinic too, with Zhang in it: the join must not count twice.
    other = ServiceTeamFactory(committee=world.a, name="文艺宣传队", kind="arts")
    other.members.add(zhang)
    clinic.teams.add(other)
    attend(clinic, zhang, "2.0")
    attend(lecture, zhang, "1.5")
    attend(own, zhang, "4.0")  # not served by the team: Zhang's own
    attend(clinic, li, "2.5")
    attend(clinic, outsider, "3.0")  # not a member of the team
    return {"team": team, "zhang": zhang, "li": li, "outsider": outsider, "other": other,
            "clinic": clinic, "lecture": lecture}


# --- hours ---------------------------------------------------------------------------------

def test_a_teams_hours_are_its_members_hours_at_the_activities_it_served(world, crew):
    hours = teams.team_hours(crew["team"])
    assert hours == Decimal("6.0")  # 2.0 + 1.5 + 2.5
    assert isinstance(hours, Decimal)
    assert teams.team_hours(crew["other"]) == Decimal("2.0")


def test_each_members_hours_most_first_in_one_query(world, crew, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = teams.team_member_hours(crew["team"])
    assert rows == [("张医生", Decimal("3.5"), 2), ("李护士", Decimal("2.5"), 1)]
    assert all(isinstance(row.hours, Decimal) for row in rows)


def test_a_new_team_has_no_hours(world):
    team = ServiceTeamFactory(committee=world.a)
    team.members.add(world.a_member)
    assert teams.team_hours(team) == Decimal(0)
    assert teams.team_member_hours(team) == [("郑优芳", Decimal(0), 0)]


def test_the_activities_it_served(world, crew):
    assert set(teams.team_activities(crew["team"])) == {crew["clinic"], crew["lecture"]}


# --- saving a team -------------------------------------------------------------------------

class TestSave:
    def test_the_leader_becomes_a_member(self, world):
        team = teams.team_save(
            team=ServiceTeam(name="普法宣传队", kind="law", leader=world.a_member),
            user=world.secretary_a, committee=world.a, members=[],
        )
        assert team.committee == world.a
        assert list(team.members.all()) == [world.a_member]

    def test_members_with_their_membership_in_the_committee_may_join(self, world):
        # Managed by B, membership in A's branch: A's member too.
        commuter = MemberFactory(committee=world.b, branch=world.a_branch, name="跨区党员")
        team = teams.team_save(
            team=ServiceTeam(name="环境整治队", kind="environment"), user=world.secretary_a,
            committee=world.a, members=[commuter, world.a_member],
        )
        assert set(team.members.all()) == {commuter, world.a_member}

    def test_a_member_of_another_committee_is_refused(self, world):
        stranger = MemberFactory(committee=world.b, branch=world.b_branch)
        with pytest.raises(ValidationError) as exc:
            teams.team_save(
                team=ServiceTeam(name="心理咨询队", kind="counselling"),
                user=world.secretary_a, committee=world.a, members=[world.a_member, stranger],
            )
        assert "members" in exc.value.error_dict
        assert not ServiceTeam.objects.exists()

    def test_a_leader_of_another_committee_is_refused(self, world):
        stranger = MemberFactory(committee=world.b, branch=world.b_branch)
        with pytest.raises(ValidationError) as exc:
            teams.team_save(
                team=ServiceTeam(name="心理咨询队", kind="counselling", leader=stranger),
                user=world.secretary_a, committee=world.a, members=[],
            )
        assert "leader" in exc.value.error_dict
        assert not ServiceTeam.objects.exists()

    def test_members_left_alone_keep_the_leader_on(self, world, crew):
        team = crew["team"]
        team.leader = crew["outsider"]
        teams.team_save(team=team, user=world.secretary_a)
        assert set(team.members.all()) == {crew["zhang"], crew["li"], crew["outsider"]}


# --- pages: sign-in and scope --------------------------------------------------------------

def _urls(world, team):
    return {
        "list": reverse("activities:team-list"),
        "create": reverse("activities:team-create", args=[world.a.pk]),
        "detail": reverse("activities:team-detail", args=[team.pk]),
        "update": reverse("activities:team-update", args=[team.pk]),
    }


def test_every_page_needs_sign_in(client, world):
    for name, url in _urls(world, ServiceTeamFactory(committee=world.a)).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_none_of_as_teams(login, world, crew):
    client = login(world.secretary_b)
    urls = _urls(world, crew["team"])
    for name in ("create", "detail", "update"):
        assert client.get(urls[name]).status_code == 404, name
        if name != "detail":
            assert client.post(urls[name], {"name": "偷改", "kind": "law"}).status_code == 404
    page = text(client.get(urls["list"]))
    assert "便民健康服务队" not in page
    assert ServiceTeam.objects.filter(name="偷改").count() == 0


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_readers_of_the_committee_read_teams_but_do_not_write(login, world, crew, persona):
    client = login(getattr(world, persona))
    urls = _urls(world, crew["team"])
    assert "便民健康服务队" in text(client.get(urls["list"]))
    assert client.get(urls["detail"]).status_code == 200
    for name in ("create", "update"):
        assert client.get(urls[name]).status_code == 403, name
        assert client.post(urls[name], {"name": "偷改", "kind": "law"}).status_code == 403
    assert not ServiceTeam.objects.filter(name="偷改").exists()


# --- the list ------------------------------------------------------------------------------

class TestList:
    def test_cards_show_committee_leader_members_and_hours(self, login, world, crew):
        ServiceTeamFactory(committee=world.b, name="御沁园志愿队")
        response = login(world.officer).get(reverse("activities:team-list"))
        page = text(response)
        rows = {t.name: t for t in response.context["page"]}
        assert rows["便民健康服务队"].member_count == 2
        assert rows["便民健康服务队"].hours == Decimal("6.0")
        assert rows["文艺宣传队"].hours == Decimal("2.0")
        assert "led by 张医生" in page and "2 members" in page and "6.0 hours" in page
        assert "御沁园志愿队" in page

    def test_it_filters_by_committee_and_kind(self, login, world, crew):
        ServiceTeamFactory(committee=world.b, name="御沁园志愿队", kind="health")
        client = login(world.officer)
        page = text(client.get(reverse("activities:team-list"), {"committee": world.b.pk}))
        assert "御沁园志愿队" in page and "便民健康服务队" not in page
        page = text(client.get(reverse("activities:team-list"), {"kind": "arts"}))
        assert "文艺宣传队" in page and "便民健康服务队" not in page

    def test_a_new_team_button_for_the_committee_one_writes(self, login, world):
        page = text(login(world.secretary_a).get(reverse("activities:team-list")))
        assert reverse("activities:team-create", args=[world.a.pk]) in page
        page = text(login(world.member_user).get(reverse("activities:team-list")))
        assert reverse("activities:team-create", args=[world.a.pk]) not in page
        assert "No volunteer teams yet." in page

    def test_the_queries_do_not_grow_with_the_teams(
        self, login, world, django_assert_num_queries
    ):
        client = login(world.officer)

        def grow(n):
            for _ in range(n):
                team = ServiceTeamFactory(committee=world.a, leader=world.a_member)
                team.members.add(world.a_member)

        # session, user, scope (2), the committees of the filter, the new-team button's
        # committee, the count, the page of teams
        expected = 6 + session_queries()
        grow(3)
        with django_assert_num_queries(expected):
            response = client.get(reverse("activities:team-list"))
        assert len(response.context["page"]) == 3
        grow(27)
        with django_assert_num_queries(expected):
            response = client.get(reverse("activities:team-list"))
        assert len(response.context["page"]) == teams.PAGE_SIZE
        with django_assert_num_queries(expected):
            response = client.get(reverse("activities:team-list"), {"page": 2})
        assert len(response.context["page"]) == 5


# --- a team's page -------------------------------------------------------------------------

class TestDetail:
    def test_the_committees_side_sees_each_members_hours(self, login, world, crew):
        page = text(login(world.secretary_a).get(crew["team"].get_absolute_url()))
        assert "便民健康服务队" in page and "张医生" in page
        assert "6.0" in page and "义诊" in page and "健康讲座" in page
        assert "个人参加的活动" not in page
        assert "3.5 hours · 2 times" in page and "2.5 hours · 1 time" in page

    def test_a_member_sees_the_counts_not_the_names_and_hours(self, login, world, crew):
        page = text(login(world.member_user).get(crew["team"].get_absolute_url()))
        assert "6.0" in page and "义诊" in page
        assert "Members and their hours" not in page and "李护士" not in page


# --- creating and editing ------------------------------------------------------------------

class TestCreateAndUpdate:
    def test_the_secretary_creates_a_team(self, login, world):
        zhang = MemberFactory(committee=world.a, branch=world.a_branch, name="张医生")
        response = login(world.secretary_a).post(
            reverse("activities:team-create", args=[world.a.pk]),
            {"name": "便民健康服务队", "kind": "health", "leader": zhang.pk,
             "members": [world.a_member.pk], "description": ""},
        )
        team = ServiceTeam.objects.get()
        assert response.status_code == 302 and response.url == team.get_absolute_url()
        assert team.committee == world.a and team.leader == zhang
        assert set(team.members.all()) == {zhang, world.a_member}

    def test_the_members_to_choose_are_the_committees(self, login, world):
        stranger = MemberFactory(committee=world.b, branch=world.b_branch, name="御沁园党员")
        page = text(login(world.secretary_a).get(
            reverse("activities:team-create", args=[world.a.pk])
        ))
        assert "御沁园党员" not in page and 'name="members_q"' in page
        offered = login(world.secretary_a).get(
            reverse("members:pick", args=[world.a.pk]), {"q": "党员"}
        ).json()["results"]
        assert "御沁园党员" not in [r["label"] for r in offered]
        response = login(world.secretary_a).post(
            reverse("activities:team-create", args=[world.a.pk]),
            {"name": "便民健康服务队", "kind": "health", "members": [stranger.pk]},
        )
        assert response.status_code == 400
        assert not ServiceTeam.objects.exists()

    def test_bad_input_is_refused(self, login, world):
        response = login(world.secretary_a).post(
            reverse("activities:team-create", args=[world.a.pk]), {"name": "", "kind": "nope"}
        )
        assert response.status_code == 400
        assert "This field is required." in text(response)
        assert not ServiceTeam.objects.exists()

    def test_a_second_team_of_the_same_name_is_refused(self, login, world):
        ServiceTeamFactory(committee=world.a, name="便民健康服务队")
        response = login(world.secretary_a).post(
            reverse("activities:team-create", args=[world.a.pk]),
            {"name": "便民健康服务队", "kind": "health"},
        )
        assert response.status_code == 400
        assert "The committee already has a team of that name." in text(response)
        assert ServiceTeam.objects.count() == 1

    def test_the_officer_edits_a_team(self, login, world, crew):
        team = crew["team"]
        response = login(world.officer).post(
            reverse("activities:team-update", args=[team.pk]),
            {"name": "便民健康服务一队", "kind": "health", "leader": crew["li"].pk,
             "members": [crew["li"].pk, crew["outsider"].pk]},
        )
        assert response.status_code == 302
        team.refresh_from_db()
        assert team.name == "便民健康服务一队" and team.leader == crew["li"]
        assert set(team.members.all()) == {crew["li"], crew["outsider"]}
