"""The search pickers (core/pickers.py): the member source answers a committee's search by
name, initials and mobile tail, scoped like every read; a form's picker renders only what is
chosen and, without JavaScript, takes one match from the typed text or offers several."""

import pytest
from django.urls import reverse

from meetings.matter_forms import MatterForm
from members.names import name_pinyin
from tests.conftest import session_queries
from tests.factories import MemberFactory, UnitFactory


def member(committee, branch, name, mobile="", **extra):
    pinyin, initials = name_pinyin(name)
    return MemberFactory(
        committee=committee, branch=branch, name=name, mobile=mobile,
        mobile_tail=mobile[-4:], name_pinyin=pinyin, name_initials=initials, **extra,
    )


def pick(client, committee, q):
    return client.get(reverse("members:pick", args=[committee.pk]), {"q": q})


@pytest.fixture
def namesakes(world):
    first = member(world.a, world.a_branch, "王建国", "13812341234")
    second = member(world.a, world.a_retirees, "王建国", "13956785678", category="retired_cadre")
    return first, second


class TestMemberSource:
    def test_two_namesakes_are_told_apart_by_branch_masked_mobile_and_category(
        self, login, world, namesakes
    ):
        results = pick(login(world.secretary_a), world.a, "王建国").json()["results"]
        assert [r["label"] for r in results] == ["王建国", "王建国"]
        details = sorted(r["detail"] for r in results)
        assert details[0].startswith("学苑社区居民党支部 · 138****1234")
        assert details[1].startswith("学苑社区离退休干部党支部 · 139****5678")
        assert details[0] != details[1]

    def test_pinyin_initials_and_the_mobile_tail_find_a_member(self, login, world, namesakes):
        client = login(world.secretary_a)
        assert len(pick(client, world.a, "wjg").json()["results"]) == 2
        tail = pick(client, world.a, "5678").json()["results"]
        assert [r["value"] for r in tail] == [str(namesakes[1].pk)]

    def test_no_full_mobile_and_no_id_number_in_the_answer(self, login, world, namesakes):
        namesakes[0].id_number = "140802199001011234"
        namesakes[0].save()
        body = pick(login(world.secretary_a), world.a, "王").content.decode()
        assert "13812341234" not in body and "140802199001011234" not in body

    def test_another_committee_is_404_and_its_members_never_offered(self, login, world):
        member(world.b, world.b_branch, "王外人")
        client = login(world.secretary_b)
        assert pick(client, world.a, "王").status_code == 404
        client = login(world.secretary_a)
        assert pick(client, world.a, "王外人").json()["results"] == []

    def test_a_member_finds_only_themselves(self, login, world, namesakes):
        results = pick(login(world.member_user), world.a, "").json()["results"]
        assert [r["value"] for r in results] == [str(world.a_member.pk)]

    def test_needs_sign_in(self, client, world):
        response = pick(client, world.a, "王")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("q", ["x" * 500, "%", "_", "' OR 1=1 --", "\x00", "12", "🙂"])
    def test_odd_text_answers_an_empty_or_short_list(self, login, world, q):
        response = pick(login(world.secretary_a), world.a, q)
        assert response.status_code == 200
        assert len(response.json()["results"]) <= 20

    def test_twenty_at_most_and_more_is_said(self, login, world):
        for i in range(25):
            member(world.a, world.a_branch, f"王{i:02d}")
        data = pick(login(world.secretary_a), world.a, "王").json()
        assert len(data["results"]) == 20 and data["more"] is True

    def test_queries_do_not_grow_with_the_roster(
        self, login, world, django_assert_num_queries
    ):
        client = login(world.secretary_a)
        pick(client, world.a, "王")  # warm the session
        for size in (3, 40):
            for i in range(size):
                member(world.a, world.a_branch, f"王{size}{i}")
            with django_assert_num_queries(QUERIES + session_queries() - 1):  # no bell
                assert pick(client, world.a, "王").status_code == 200


QUERIES = 5  # user, scope (roles, own member), committee, members; plus the session


class TestOtherSources:
    def test_units_branches_and_teams_answer_in_scope(self, login, world):
        client = login(world.secretary_a)
        units = client.get(reverse("units:pick"), {"q": "医院"}).json()["results"]
        assert [u["label"] for u in units] == [world.unit.name]
        branches = client.get(reverse("branches:pick"), {"q": "学苑"}).json()["results"]
        assert {b["label"] for b in branches} == {world.a_branch.name, world.a_retirees.name}
        assert client.get(reverse("activities:team-pick")).status_code == 200

    def test_another_districts_unit_is_not_offered(self, login, world):
        UnitFactory(name="外区医院")
        units = login(world.secretary_a).get(reverse("units:pick"), {"q": "医院"}).json()
        assert [u["label"] for u in units["results"]] == [world.unit.name]


class TestPickerField:
    """Without JavaScript: the text typed beside the select is sent with the form."""

    def data(self, **fields):
        data = {"title": "停车位纠纷", "kind": "dispute", "description": "两户争抢车位",
                "raised_on": "2026-11-01", "raised_by_name": "", "status": "open"}
        data.update(fields)
        return data

    def test_the_form_lists_no_one_until_asked(self, world, namesakes):
        html = MatterForm(committee=world.a).as_div()
        assert "王建国" not in html and 'name="raised_by_member_q"' in html

    def test_a_single_match_is_taken(self, world, namesakes):
        form = MatterForm(self.data(raised_by_member_q="5678"), committee=world.a)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["raised_by_member"] == namesakes[1]

    def test_several_matches_are_offered_to_choose_from(self, world, namesakes):
        form = MatterForm(self.data(raised_by_member_q="wjg"), committee=world.a)
        assert not form.is_valid()
        assert "选择" in form.errors["raised_by_member"][0]
        html = str(form["raised_by_member"])
        assert html.count("王建国 · ") == 2 and "138****1234" in html
        chosen = MatterForm(self.data(raised_by_member=namesakes[0].pk), committee=world.a)
        assert chosen.is_valid(), chosen.errors

    def test_no_match_names_the_field(self, world):
        form = MatterForm(self.data(raised_by_member_q="没有这个人"), committee=world.a)
        assert not form.is_valid()
        assert "没有这个人" in form.errors["raised_by_member"][0]

    def test_an_outsider_by_id_is_refused(self, world):
        stranger = member(world.b, world.b_branch, "外人")
        for value in (stranger.pk, "abc", "9" * 30):
            form = MatterForm(self.data(raised_by_member=value), committee=world.a)
            assert not form.is_valid() and form.errors["raised_by_member"]

    def test_the_chosen_one_is_shown_when_editing(self, world, namesakes):
        form = MatterForm(self.data(raised_by_member=namesakes[0].pk), committee=world.a)
        html = str(form["raised_by_member"])
        assert f'value="{namesakes[0].pk}"' in html and "selected" in html
        assert "王建国 · 学苑社区居民党支部 · 138****1234" in html


class TestReviewedEdges:
    def data(self, **fields):
        return TestPickerField().data(**fields)

    @pytest.mark.parametrize("value", ["²", "١٢", "1e3", "-1", " "])
    def test_odd_digits_are_refused_not_a_server_error(self, world, value):
        form = MatterForm(self.data(raised_by_member=value), committee=world.a)
        assert not form.is_valid() or form.cleaned_data["raised_by_member"] is None

    def test_a_full_mobile_never_travels_in_the_search_url(self, login, world, namesakes):
        client = login(world.secretary_a)
        assert pick(client, world.a, "13812341234").json()["results"] == []
        assert len(pick(client, world.a, "1234").json()["results"]) == 1

    def test_typed_text_wins_over_the_current_choice_without_javascript(
        self, world, namesakes
    ):
        form = MatterForm(self.data(raised_by_member=namesakes[0].pk,
                                    raised_by_member_q="5678"), committee=world.a)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["raised_by_member"] == namesakes[1]

    def test_after_several_match_the_text_is_not_sent_again(self, world, namesakes):
        form = MatterForm(self.data(raised_by_member_q="wjg"), committee=world.a)
        assert not form.is_valid()
        assert 'name="raised_by_member_q" id="id_raised_by_member_q" value=""' in str(
            form["raised_by_member"])

    def test_the_search_box_is_labelled_as_the_form_names_the_field(self, world):
        from branches.forms import BranchForm

        form = BranchForm(instance=world.a_group, user=world.secretary_a, committee=world.a)
        assert "查找组长" in str(form["secretary"])


class TestNarrowedSources:
    def test_branches_of_a_committee_and_organisations_that_may_join_it(self, login, world):
        from datetime import date

        from branches.models import Branch, BranchKind, CommitteeMembership

        organisation = Branch.objects.create(
            committee=world.b, kind=BranchKind.UNIT, unit=world.unit, name="第一医院党委")
        client = login(world.secretary_a)
        url = reverse("branches:pick")
        of_a = client.get(url, {"committee": world.a.pk}).json()["results"]
        assert {r["label"] for r in of_a} == {world.a_branch.name, world.a_retirees.name}
        joinable = client.get(url, {"committee": world.a.pk, "joinable": 1}).json()
        assert [r["label"] for r in joinable["results"]] == ["第一医院党委"]
        CommitteeMembership.objects.create(committee=world.a, branch=organisation,
                                           joined_on=date(2024, 1, 1))
        assert client.get(url, {"committee": world.a.pk, "joinable": 1}).json()[
            "results"] == []
        # Joining is the committee's side's to do; another committee's is not found.
        assert login(world.branch_secretary).get(
            url, {"committee": world.a.pk, "joinable": 1}).status_code == 403
        assert login(world.secretary_b).get(url, {"committee": world.a.pk}).status_code == 404
        assert client.get(url, {"committee": "9" * 40}).status_code == 404

    def test_teams_of_a_committee(self, login, world):
        from tests.factories import ServiceTeamFactory

        ServiceTeamFactory(committee=world.a, name="学苑便民服务队")
        ServiceTeamFactory(committee=world.b, name="御沁园服务队")
        client = login(world.officer)
        url = reverse("activities:team-pick")
        assert {r["label"] for r in client.get(url).json()["results"]} == {
            "学苑便民服务队", "御沁园服务队"}
        assert [r["label"] for r in client.get(url, {"committee": world.a.pk}).json()[
            "results"]] == ["学苑便民服务队"]


def test_control_characters_typed_without_javascript_are_dropped(world):
    form = MatterForm(TestPickerField().data(raised_by_member_q="郑\x00优芳"), committee=world.a)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["raised_by_member"] == world.a_member
