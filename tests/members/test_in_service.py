"""A committee's in-service members (在职党员: its confirmed check-ins) and their groups (在职党员
小组): the list with its filter, pages and pinned queries, moving members between groups, and
creating, editing and deleting a group with a leader among them."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import in_service
from members.models import CheckIn, CheckInStatus, InServiceGroup
from tests.conftest import session_queries
from tests.factories import MemberFactory


def in_service_member(committee, name):
    return MemberFactory(committee=committee, branch=None, name=name, category="in_service",
                         outside_organisation="运城市第一医院党委")


def checked_in(committee, name, *, group=None, status=CheckInStatus.CONFIRMED):
    extra = {"end_reason": "moved_away"} if status == CheckInStatus.ENDED else {}
    return CheckIn.objects.create(
        member=in_service_member(committee, name), committee=committee, status=status,
        started_on=date(2025, 3, 1) if status != CheckInStatus.PENDING else None, group=group,
        **extra,
    )


def group_of(committee, name="1号楼小组", **kwargs):
    return InServiceGroup.objects.create(committee=committee, name=name, **kwargs)


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def list_url(committee):
    return reverse("members:in-service", args=[committee.pk])


def groups_url(committee):
    return reverse("members:in-service-groups", args=[committee.pk])


# --- the list -------------------------------------------------------------------------------

class TestInServiceList:
    def test_it_shows_the_confirmed_check_ins_with_group_and_date(self, login, world):
        group = group_of(world.a)
        checked_in(world.a, "张在职", group=group)
        checked_in(world.a, "王待定", status=CheckInStatus.PENDING)
        checked_in(world.a, "赵已走", status=CheckInStatus.ENDED)
        checked_in(world.b, "钱别处")
        page = login(world.secretary_a).get(list_url(world.a)).content.decode()
        assert "张在职" in page and "1号楼小组" in page and "2025-03-01" in page
        assert "王待定" not in page and "赵已走" not in page and "钱别处" not in page
        end = CheckIn.objects.get(member__name="张在职")
        assert reverse("members:checkin-end", args=[end.pk]) in page

    def test_it_filters_by_group_and_by_no_group(self, login, world):
        first, second = group_of(world.a), group_of(world.a, "2号楼小组")
        checked_in(world.a, "张一", group=first)
        checked_in(world.a, "李二", group=second)
        checked_in(world.a, "王三")
        client = login(world.secretary_a)
        in_first = client.get(list_url(world.a), {"group": first.pk}).content.decode()
        assert "张一" in in_first and "李二" not in in_first and "王三" not in in_first
        in_none = client.get(list_url(world.a), {"group": "null"}).content.decode()
        assert "王三" in in_none and "张一" not in in_none and "李二" not in in_none

    def test_a_group_of_another_committee_is_not_a_filter_choice(self, login, world):
        theirs = group_of(world.b, "御沁园小组")
        checked_in(world.a, "张一")
        response = login(world.secretary_a).get(list_url(world.a), {"group": theirs.pk})
        assert "御沁园小组" not in response.content.decode()

    def test_it_pages_by_twenty_five(self, login, world):
        for i in range(26):
            checked_in(world.a, f"党员{i:02d}")
        client = login(world.secretary_a)
        assert len(client.get(list_url(world.a)).context["page"].object_list) == 25
        assert len(client.get(list_url(world.a), {"page": 2}).context["page"].object_list) == 1

    def test_its_queries_do_not_grow_with_the_rows(
        self, login, world, django_assert_num_queries
    ):
        first = group_of(world.a)
        group_of(world.a, "2号楼小组")
        client = login(world.secretary_a)
        # user, scope (roles, member), committee, can_write, the groups (for the move form,
        # the filter's check of the chosen one and its choices), the page's count and rows
        expected = session_queries() + 8
        for n in (3, 30):
            CheckIn.objects.all().delete()
            for i in range(n):
                checked_in(world.a, f"党员{i:02d}", group=first if i % 2 else None)
            with django_assert_num_queries(expected):
                response = client.get(list_url(world.a), {"group": first.pk})
            assert response.context["page"].paginator.count == n // 2
            with django_assert_num_queries(expected - 1):  # no group to check
                response = client.get(list_url(world.a))
            assert len(response.context["page"].object_list) == min(n, 25)

    def test_it_needs_a_login(self, client, world):
        response = client.get(list_url(world.a))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_it_is_the_committees_side(self, login, world, persona, status):
        assert login(getattr(world, persona)).get(list_url(world.a)).status_code == status

    def test_the_check_in_queue_links_to_it(self, login, world):
        page = login(world.secretary_a).get(
            reverse("members:checkin-queue", args=[world.a.pk])
        ).content.decode()
        assert list_url(world.a) in page and groups_url(world.a) in page


# --- moving members between groups ----------------------------------------------------------

def move(client, committee, checkins, group, **extra):
    return client.post(
        reverse("members:in-service-move", args=[committee.pk]),
        {"checkins": [c.pk for c in checkins], "group": group.pk if group else "", **extra},
    )


class TestMove:
    def test_the_secretary_moves_the_chosen_members_to_a_group(self, login, world):
        group = group_of(world.a)
        one, two, three = (checked_in(world.a, n) for n in ("张一", "李二", "王三"))
        response = move(login(world.secretary_a), world.a, [one, two], group,
                        back_group="null", back_page="1")
        assert response.status_code == 302
        assert response.url == list_url(world.a) + "?group=null&page=1"
        assert "2名党员已移至1号楼小组" in flashed(response)
        assert set(group.checkins.values_list("pk", flat=True)) == {one.pk, two.pk}
        three.refresh_from_db()
        assert three.group is None

    def test_no_group_takes_them_out(self, login, world):
        group = group_of(world.a)
        one = checked_in(world.a, "张一", group=group)
        response = move(login(world.secretary_a), world.a, [one], None)
        assert "1名党员已移出小组" in flashed(response)
        one.refresh_from_db()
        assert one.group is None

    def test_choosing_nobody_is_refused(self, login, world):
        group = group_of(world.a)
        checked_in(world.a, "张一")
        response = move(login(world.secretary_a), world.a, [], group)
        assert "请至少选择一名党员" in flashed(response)
        assert not group.checkins.exists()

    @pytest.mark.parametrize("which", ["elsewhere", "pending"])
    def test_only_this_committees_confirmed_check_ins_move(self, login, world, which):
        group = group_of(world.a)
        ours = checked_in(world.a, "张一")
        other = (checked_in(world.b, "钱别处") if which == "elsewhere"
                 else checked_in(world.a, "王待定", status=CheckInStatus.PENDING))
        response = move(login(world.secretary_a), world.a, [ours, other], group)
        assert response.status_code == 302 and flashed(response)
        assert not CheckIn.objects.filter(group__isnull=False).exists()  # nothing written

    def test_a_group_of_another_committee_is_refused(self, login, world):
        theirs = group_of(world.b, "御沁园小组")
        ours = checked_in(world.a, "张一")
        move(login(world.secretary_a), world.a, [ours], theirs)
        ours.refresh_from_db()
        assert ours.group is None

    def test_the_service_refuses_a_foreign_group_too(self, world):
        ours = checked_in(world.a, "张一")
        with pytest.raises(ValidationError):
            in_service.checkins_place(committee=world.a, checkins=[ours],
                                      group=group_of(world.b))

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_others_cannot_move(self, login, world, persona, status):
        group = group_of(world.a)
        ours = checked_in(world.a, "张一")
        assert move(login(getattr(world, persona)), world.a, [ours], group).status_code == status
        ours.refresh_from_db()
        assert ours.group is None

    def test_it_is_a_post(self, login, world):
        url = reverse("members:in-service-move", args=[world.a.pk])
        assert login(world.secretary_a).get(url).status_code == 405


# --- groups ---------------------------------------------------------------------------------

class TestGroupList:
    def test_it_counts_the_confirmed_members_of_each_group(self, login, world):
        first = group_of(world.a, "1号楼小组")
        second = group_of(world.a, "2号楼小组")
        group_of(world.a, "3号楼小组")
        leader = checked_in(world.a, "组长甲", group=first)
        first.leader = leader.member
        first.save()
        checked_in(world.a, "张一", group=first)
        checked_in(world.a, "李二", group=second)
        checked_in(world.a, "王三")
        checked_in(world.a, "赵已走", group=first, status=CheckInStatus.ENDED)
        response = login(world.secretary_a).get(groups_url(world.a))
        counts = {g.name: g.member_count for g in response.context["groups"]}
        assert counts == {"1号楼小组": 2, "2号楼小组": 1, "3号楼小组": 0}
        assert response.context["totals"] == {"total": 4, "ungrouped": 1}
        page = response.content.decode()
        assert "组长甲" in page and "已报到在职党员4名" in page and "其中1名未分小组" in page

    def test_the_counts_are_one_query_at_any_size(self, world, django_assert_num_queries):
        for n in (2, 12):
            InServiceGroup.objects.all().delete()
            for i in range(n):
                group = group_of(world.a, f"{i}号楼小组")
                checked_in(world.a, f"党员{i}", group=group)
            with django_assert_num_queries(1):
                rows = list(in_service.group_rows(InServiceGroup.objects.filter(
                    committee=world.a)))
            assert [r.member_count for r in rows] == [1] * n

    def test_the_committees_readers_see_the_groups_without_actions(self, login, world):
        group = group_of(world.a)
        page = login(world.member_user).get(groups_url(world.a)).content.decode()
        assert "1号楼小组" in page
        assert reverse("members:in-service-group-edit", args=[group.pk]) not in page
        assert f'href="{list_url(world.a)}' not in page

    def test_the_secretary_sees_the_actions(self, login, world):
        group = group_of(world.a)
        page = login(world.secretary_a).get(groups_url(world.a)).content.decode()
        assert reverse("members:in-service-group-edit", args=[group.pk]) in page
        assert reverse("members:in-service-group-delete", args=[group.pk]) in page

    def test_another_committee_is_hidden(self, login, world):
        assert login(world.secretary_b).get(groups_url(world.a)).status_code == 404

    def test_it_needs_a_login(self, client, world):
        assert client.get(groups_url(world.a)).status_code == 302

    def test_the_committee_page_links_the_in_service_figure_to_it(self, login, world):
        page = login(world.secretary_a).get(world.a.get_absolute_url()).content.decode()
        assert groups_url(world.a) in page


class TestGroupForm:
    def create_url(self, committee):
        return reverse("members:in-service-group-create", args=[committee.pk])

    def test_the_secretary_creates_a_group_led_by_a_checked_in_member(self, login, world):
        leader = checked_in(world.a, "组长甲").member
        client = login(world.secretary_a)
        form = client.get(self.create_url(world.a)).content.decode()
        assert 'name="leader_q"' in form
        pick = reverse("members:pick", args=[world.a.pk])
        offered = client.get(pick, {"only": "checked_in"}).json()["results"]
        assert [r["label"] for r in offered] == ["组长甲"]  # leaders: checked in only
        response = client.post(self.create_url(world.a),
                               {"name": " 1号楼小组 ", "leader": leader.pk,
                                "description": "1至3号楼"})
        assert response.status_code == 302 and response.url == groups_url(world.a)
        group = InServiceGroup.objects.get()
        assert (group.committee, group.name, group.leader) == (world.a, "1号楼小组", leader)

    def test_a_leader_who_is_not_checked_in_is_refused(self, login, world):
        pending = checked_in(world.a, "王待定", status=CheckInStatus.PENDING).member
        for leader in (world.a_member, pending, checked_in(world.b, "钱别处").member):
            response = login(world.secretary_a).post(
                self.create_url(world.a), {"name": "1号楼小组", "leader": leader.pk}
            )
            assert response.status_code == 400
            assert "组长须为已向本社区报到的在职党员" in response.content.decode()
        assert not InServiceGroup.objects.exists()

    def test_the_service_refuses_such_a_leader_too(self, world):
        with pytest.raises(ValidationError) as refused:
            in_service.group_save(group=InServiceGroup(name="1号楼小组", leader=world.a_member),
                                  committee=world.a)
        assert "leader" in refused.value.message_dict
        assert not InServiceGroup.objects.exists()

    def test_a_name_is_needed_and_unique_in_the_committee(self, login, world):
        group_of(world.a, "1号楼小组")
        group_of(world.b, "2号楼小组")  # the same name elsewhere is fine
        client = login(world.secretary_a)
        assert client.post(self.create_url(world.a), {"name": ""}).status_code == 400
        response = client.post(self.create_url(world.a), {"name": "1号楼小组"})
        assert response.status_code == 400 and "本社区已有同名小组" in response.content.decode()
        assert client.post(self.create_url(world.a), {"name": "2号楼小组"}).status_code == 302
        assert InServiceGroup.objects.filter(committee=world.a).count() == 2

    def test_the_secretary_renames_it_and_sets_the_leader(self, login, world):
        group = group_of(world.a)
        leader = checked_in(world.a, "组长乙", group=group).member
        response = login(world.secretary_a).post(
            reverse("members:in-service-group-edit", args=[group.pk]),
            {"name": "一网格小组", "leader": leader.pk},
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert (group.name, group.leader) == ("一网格小组", leader)

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_others_cannot_create_or_edit(self, login, world, persona, status):
        group = group_of(world.a)
        client = login(getattr(world, persona))
        assert client.post(self.create_url(world.a), {"name": "新小组"}).status_code == status
        edit = reverse("members:in-service-group-edit", args=[group.pk])
        assert client.post(edit, {"name": "改名"}).status_code == status
        assert list(InServiceGroup.objects.values_list("name", flat=True)) == ["1号楼小组"]

    def test_creating_needs_a_login(self, client, world):
        response = client.get(self.create_url(world.a))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


class TestGroupDelete:
    def test_deleting_asks_then_leaves_its_members_checked_in_in_no_group(self, login, world):
        group = group_of(world.a)
        member = checked_in(world.a, "张一", group=group)
        client = login(world.secretary_a)
        url = reverse("members:in-service-group-delete", args=[group.pk])
        question = client.get(url)
        assert question.status_code == 200 and "不再属于任何小组" in question.content.decode()
        assert InServiceGroup.objects.exists()
        response = client.post(url)
        assert response.status_code == 302 and response.url == groups_url(world.a)
        assert not InServiceGroup.objects.exists()
        member.refresh_from_db()
        assert (member.status, member.group) == (CheckInStatus.CONFIRMED, None)

    @pytest.mark.parametrize(("persona", "status"), [
        ("secretary_b", 404), ("branch_secretary", 403), ("member_user", 403),
    ])
    def test_others_cannot_delete(self, login, world, persona, status):
        group = group_of(world.a)
        url = reverse("members:in-service-group-delete", args=[group.pk])
        assert login(getattr(world, persona)).post(url).status_code == status
        assert InServiceGroup.objects.filter(pk=group.pk).exists()
