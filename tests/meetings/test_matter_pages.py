"""The pages of matters (一事一议) and the committee page's meetings and matters card: who may
open them, what they show, what they refuse."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Matter, MatterFollowUp, MatterStatus
from tests.conftest import session_queries
from tests.factories import MatterFactory, MeetingFactory, MemberFactory, ServiceTeamFactory

S = MatterStatus


def today():
    return timezone.localdate()


def url(name, obj):
    return reverse(f"meetings:{name}", args=[obj.pk])


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def matter(world):
    return MatterFactory(committee=world.a, title="楼道堆物纠纷", raised_on=today())


def pages(world, matter):
    return {
        "matter-list": world.a, "matter-create": world.a, "matter-detail": matter,
        "matter-update": matter, "matter-status": matter, "matter-follow-up": matter,
    }


WRITES = ["matter-create", "matter-update", "matter-status", "matter-follow-up"]


def form(**fields):
    data = {
        "title": "停车位纠纷", "kind": "dispute", "description": "两户争抢车位",
        "raised_on": today().isoformat(), "raised_by_name": "居民张先生",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- who may open what -----------------------------------------------------------------------

def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, world, matter):
    for name, obj in pages(world, matter).items():
        response = client.get(url(name, obj))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_none_of_as_matters(login, world, matter):
    client = login(world.secretary_b)
    for name, obj in pages(world, matter).items():
        assert client.get(url(name, obj)).status_code == 404, name
        if name in WRITES:
            assert client.post(url(name, obj), form()).status_code == 404, name
    assert Matter.objects.count() == 1 and MatterFollowUp.objects.count() == 0


def test_a_branch_secretary_reads_the_committees_matters_but_changes_none(login, world, matter):
    client = login(world.branch_secretary)
    assert client.get(url("matter-list", world.a)).status_code == 200
    assert "楼道堆物纠纷" in text(client.get(url("matter-detail", matter)))
    for name in WRITES:
        obj = pages(world, matter)[name]
        assert client.get(url(name, obj)).status_code == 403, name
        assert client.post(url(name, obj), form()).status_code == 403, name
    assert Matter.objects.count() == 1


def test_a_member_reads_only_the_matters_they_raised(login, world, matter):
    own = MatterFactory(committee=world.a, title="我反映的事", raised_by_name="",
                        raised_by_member=world.a_member, raised_on=today())
    client = login(world.member_user)
    assert client.get(url("matter-detail", matter)).status_code == 404
    assert client.get(url("matter-detail", own)).status_code == 200
    assert client.get(url("matter-update", own)).status_code == 403
    listed = client.get(url("matter-list", world.a))
    assert [m.title for m in listed.context["page"]] == ["我反映的事"]
    assert reverse("meetings:matter-create", args=[world.a.pk]) not in listed.content.decode()


# --- the list --------------------------------------------------------------------------------

class TestMatterList:
    def test_overdue_matters_stand_out_and_come_first(self, login, world):
        MatterFactory(committee=world.a, title="已解决的事", status=S.RESOLVED,
                      resolved_on=today(), raised_on=today())
        MatterFactory(committee=world.a, title="今天到期的事", raised_on=today(), due_on=today())
        MatterFactory(committee=world.a, title="逾期的事", raised_on=today() - timedelta(days=9),
                      due_on=today() - timedelta(days=1))
        MatterFactory(committee=world.b, title="御沁园的事")
        response = login(world.secretary_a).get(url("matter-list", world.a))
        page = text(response)
        assert page.index("逾期的事") < page.index("今天到期的事") < page.index("已解决的事")
        assert "御沁园的事" not in page
        assert page.count('data-testid="matter-overdue"') == 1
        late = page[page.index("逾期的事"):page.index("今天到期的事")]
        assert "Overdue" in late and "text-danger" in late

    def test_it_filters_by_status_kind_and_overdue(self, login, world):
        MatterFactory(committee=world.a, title="纠纷", raised_on=today())
        MatterFactory(committee=world.a, title="建议", kind="proposal", raised_on=today())
        MatterFactory(committee=world.a, title="逾期建议", kind="proposal",
                      raised_on=today() - timedelta(days=5), due_on=today() - timedelta(days=1))
        MatterFactory(committee=world.a, title="办理中", status=S.IN_PROGRESS, decision="办",
                      raised_on=today())
        client = login(world.secretary_a)

        def titles(**params):
            return sorted(m.title for m in client.get(url("matter-list", world.a), params)
                          .context["page"])

        assert titles(kind="proposal") == ["建议", "逾期建议"]
        assert titles(status="in_progress") == ["办理中"]
        assert titles(overdue="on") == ["逾期建议"]
        assert titles(overdue="on", kind="dispute") == []

    def test_a_filter_that_matches_nothing_says_so_and_an_empty_list_invites(self, login, world):
        client = login(world.secretary_a)
        add = reverse("meetings:matter-create", args=[world.a.pk])
        page = client.get(url("matter-list", world.a)).content.decode()
        assert "No matters recorded yet." in page and add in page
        MatterFactory(committee=world.a, raised_on=today())
        page = client.get(url("matter-list", world.a), {"kind": "complaint"}).content.decode()
        assert "No matter matches these filters." in page

    def test_twenty_to_a_page(self, login, world):
        for n in range(21):
            MatterFactory(committee=world.a, title=f"事项{n:02}", raised_on=today())
        client = login(world.secretary_a)
        first = client.get(url("matter-list", world.a))
        assert len(first.context["page"].object_list) == 20
        second = client.get(url("matter-list", world.a), {"page": 2})
        assert len(second.context["page"].object_list) == 1

    # user, scope (2), the committee, the count, the page, and whether the user may add one
    # (no query when the scope has no committee to write, as for a branch secretary)
    @pytest.mark.parametrize("persona, own", [("secretary_a", 5), ("branch_secretary", 5)])
    def test_the_queries_do_not_grow_with_the_matters(
        self, login, world, django_assert_num_queries, persona, own
    ):
        team = ServiceTeamFactory(committee=world.a)
        client = login(getattr(world, persona))

        def fill(n):
            for i in range(n):
                MatterFactory(
                    committee=world.a, raised_on=today() - timedelta(days=3), raised_by_name="",
                    raised_by_member=world.a_member, responsible_team=team,
                    responsible_unit=world.unit, due_on=today() - timedelta(days=i % 2),
                )

        queries = own + session_queries()  # + the session
        fill(3)
        with django_assert_num_queries(queries):
            small = client.get(url("matter-list", world.a))
        fill(27)
        with django_assert_num_queries(queries):
            large = client.get(url("matter-list", world.a))
        assert text(small).count('data-testid="matter-row"') == 3
        assert text(large).count('data-testid="matter-row"') == 20


# --- raising and editing ---------------------------------------------------------------------

class TestMatterCreate:
    def test_the_secretary_raises_a_matter(self, login, world):
        response = login(world.secretary_a).post(url("matter-create", world.a), form(
            responsible_member=world.a_member.pk, due_on=(today() + timedelta(days=7)).isoformat()
        ))
        matter = Matter.objects.get()
        assert response.status_code == 302 and response.url == matter.get_absolute_url()
        assert (matter.title, matter.status, matter.committee) == ("停车位纠纷", S.OPEN, world.a)
        assert matter.responsible_member == world.a_member
        assert matter.created_by == world.secretary_a

    @pytest.mark.parametrize("bad, field", [
        ({"raised_by_name": ""}, "raised_by_name"),  # nobody raised it
        ({"raised_on": "2999-01-01"}, "raised_on"),
        ({"due_on": "2001-01-01"}, "due_on"),
        ({"title": ""}, "title"),
        ({"kind": "gossip"}, "kind"),
    ])
    def test_bad_input_is_refused_and_nothing_written(self, login, world, bad, field):
        response = login(world.secretary_a).post(url("matter-create", world.a), form(**bad))
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert Matter.objects.count() == 0

    def test_a_member_of_another_committee_is_not_a_choice(self, login, world):
        stranger = MemberFactory(committee=world.b, branch=world.b_branch, name="外人")
        client = login(world.secretary_a)
        page = client.get(url("matter-create", world.a)).content.decode()
        assert "外人" not in page
        # The picker's search offers the committee's members, never another committee's.
        pick = reverse("members:pick", args=[world.a.pk])
        assert [r["label"] for r in client.get(pick, {"q": world.a_member.name}).json()[
            "results"]] == [world.a_member.name]
        assert client.get(pick, {"q": "外人"}).json()["results"] == []
        response = client.post(url("matter-create", world.a),
                               form(raised_by_name="", raised_by_member=stranger.pk))
        assert response.status_code == 400
        assert response.context["form"].errors["raised_by_member"]
        assert Matter.objects.count() == 0

    def test_the_form_shows_names_only(self, login, world):
        world.a_member.mobile = "13912345678"
        world.a_member.save()
        page = login(world.secretary_a).get(url("matter-create", world.a)).content.decode()
        assert "13912345678" not in page


class TestMatterUpdate:
    def test_the_secretary_edits_a_matter(self, login, world, matter):
        response = login(world.secretary_a).post(
            url("matter-update", matter), form(title="楼道堆物纠纷（已协调）")
        )
        assert response.status_code == 302
        matter.refresh_from_db()
        assert matter.title == "楼道堆物纠纷（已协调）"

    def test_bad_input_is_refused_and_nothing_written(self, login, world, matter):
        response = login(world.secretary_a).post(
            url("matter-update", matter),
            form(title="改了", raised_by_name="王女士", raised_by_unit=world.unit.pk),
        )
        assert response.status_code == 400
        assert "not several" in text(response)
        matter.refresh_from_db()
        assert matter.title == "楼道堆物纠纷"


# --- moving on and following up --------------------------------------------------------------

class TestMatterStatusPage:
    def test_only_the_allowed_next_statuses_are_offered(self, login, world, matter):
        matter.status = S.IN_PROGRESS
        matter.save()
        response = login(world.secretary_a).get(url("matter-status", matter))
        offered = [value for value, _ in response.context["form"].fields["status"].choices]
        assert offered == [S.RESOLVED, S.ESCALATED]

    def test_the_secretary_resolves_a_matter(self, login, world, matter):
        response = login(world.secretary_a).post(
            url("matter-status", matter), {"status": "resolved", "decision": "双方和解"}
        )
        assert response.status_code == 302
        matter.refresh_from_db()
        assert (matter.status, matter.resolved_on, matter.decision) == (
            S.RESOLVED, today(), "双方和解")

    @pytest.mark.parametrize("data, field", [
        ({"status": "deliberated", "decision": ""}, "decision"),
        ({"status": "escalated", "escalated_to": ""}, "escalated_to"),
        ({"status": "resolved", "resolved_on": "2999-01-01"}, "resolved_on"),
        ({"status": "open"}, "status"),  # not a move from open
    ])
    def test_bad_input_is_refused_and_nothing_written(self, login, world, matter, data, field):
        response = login(world.secretary_a).post(url("matter-status", matter), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        matter.refresh_from_db()
        assert matter.status == S.OPEN

    def test_a_resolved_matter_cannot_be_reopened(self, login, world, matter):
        matter.status, matter.resolved_on, matter.outcome = S.RESOLVED, today(), "deliberated"
        matter.save()
        client = login(world.secretary_a)
        response = client.get(url("matter-status", matter), follow=True)
        assert "cannot be reopened" in text(response)
        assert client.post(url("matter-status", matter), {"status": "in_progress",
                                                          "decision": "重办"}).status_code == 400
        matter.refresh_from_db()
        assert matter.status == S.RESOLVED
        detail = client.get(url("matter-detail", matter)).content.decode()
        assert url("matter-status", matter) not in detail


class TestFollowUpPage:
    def test_the_secretary_adds_a_follow_up(self, login, world, matter):
        response = login(world.secretary_a).post(
            url("matter-follow-up", matter), {"on": today().isoformat(), "text": "上门回访"}
        )
        assert response.status_code == 302
        assert response.url == matter.get_absolute_url() + "#follow-ups"
        assert list(matter.follow_ups.values_list("text", flat=True)) == ["上门回访"]

    @pytest.mark.parametrize("data", [
        {"on": "2999-01-01", "text": "回访"},
        {"on": "", "text": "回访"},
        {"on": "2026-01-01", "text": ""},
    ])
    def test_bad_input_is_refused_and_nothing_written(self, login, world, matter, data):
        response = login(world.secretary_a).post(url("matter-follow-up", matter), data)
        assert response.status_code == 400
        assert MatterFollowUp.objects.count() == 0


# --- the matter's page -----------------------------------------------------------------------

class TestMatterDetail:
    def test_it_shows_the_whole_story(self, login, world):
        team = ServiceTeamFactory(committee=world.a, name="红袖标调解队")
        matter = MatterFactory(
            committee=world.a, title="噪音扰民", raised_by_name="", raised_by_unit=world.unit,
            parties="3号楼住户与楼下商铺", raised_on=today() - timedelta(days=10),
            due_on=today() - timedelta(days=1), responsible_team=team,
            responsible_member=world.a_member, status=S.DELIBERATED, decision="限时整改",
        )
        meeting = MeetingFactory(committee=world.a, title="三月例会")
        AgendaItem.objects.create(meeting=meeting, title="噪音扰民一事一议", matter=matter,
                                  decision="商铺夜间十点后停业")
        MatterFollowUp.objects.create(matter=matter, on=today() - timedelta(days=2),
                                      text="复查噪音已减小")
        response = login(world.secretary_a).get(url("matter-detail", matter))
        page = text(response)
        for shown in ("运城市第一医院", "3号楼住户与楼下商铺", "红袖标调解队", "郑优芳",
                      "限时整改", "三月例会", "商铺夜间十点后停业", "复查噪音已减小", "Overdue"):
            assert shown in page, shown
        assert f'href="{url("meeting-detail", meeting)}"' in page
        for name in ("matter-update", "matter-status", "matter-follow-up"):
            assert url(name, matter) in page

    def test_readers_get_no_buttons_and_no_link_to_meetings_they_cannot_read(
        self, login, world
    ):
        matter = MatterFactory(committee=world.a, raised_by_name="",
                               raised_by_member=world.a_member, raised_on=today())
        meeting = MeetingFactory(committee=world.a, title="四月例会")
        AgendaItem.objects.create(meeting=meeting, title="议题", matter=matter)
        page = login(world.member_user).get(url("matter-detail", matter)).content.decode()
        assert "四月例会" in page
        assert url("meeting-detail", meeting) not in page
        for name in ("matter-update", "matter-status", "matter-follow-up"):
            assert url(name, matter) not in page

    def test_the_status_history_shows_each_move(self, login, world, matter):
        client = login(world.secretary_a)
        client.post(url("matter-status", matter), {"status": "deliberated", "decision": "调解"})
        client.post(url("matter-status", matter), {"status": "resolved"})
        history = client.get(url("matter-detail", matter)).context["history"]
        assert [(h.old, h.new, h.who) for h in history] == [
            ("Deliberated", "Resolved", "secretary_a"), ("Open", "Deliberated", "secretary_a")
        ]


# --- the committee page's card ----------------------------------------------------------------

class TestCommitteeCard:
    def committee_page(self, login, user, committee):
        return login(user).get(reverse("overview:committee-detail", args=[committee.pk]))

    def test_the_secretary_sees_the_figures_the_meetings_and_the_links(self, login, world):
        raised = today() - timedelta(days=20)
        MatterFactory(committee=world.a, raised_on=raised, due_on=today() - timedelta(days=1),
                      title="逾期事项")
        MatterFactory(committee=world.a, raised_on=raised)
        for days in (2, 6):
            MatterFactory(committee=world.a, raised_on=raised, status=S.RESOLVED,
                          resolved_on=raised + timedelta(days=days))
        held = MeetingFactory(committee=world.a, starts_at=timezone.now() - timedelta(days=5),
                              status="held")
        planned = MeetingFactory(committee=world.a)
        response = self.committee_page(login, world.secretary_a, world.a)
        page = text(response)
        stats = response.context["meetings_matters"]["matters"]
        assert (stats.open, stats.overdue, stats.share_resolved, stats.median_days) == (
            2, 1, 50, 4)
        assert 'data-testid="matters-open">2<' in page
        assert 'class="stat text-danger" data-testid="matters-overdue">1<' in page
        assert 'data-testid="matters-resolved-share">50%<' in page
        assert 'data-testid="matters-median-days">4<' in page
        assert "逾期事项" in page
        assert held.get_absolute_url() in page and planned.get_absolute_url() in page
        for name in ("meeting-list", "matter-list", "committee-compliance", "meeting-create",
                     "matter-create"):
            assert url(name, world.a) in page, name

    def test_no_matters_show_dashes(self, login, world):
        page = text(self.committee_page(login, world.secretary_a, world.a))
        assert 'data-testid="matters-resolved-share">—<' in page
        assert 'data-testid="matters-median-days">—<' in page
        assert "None planned." in page

    def test_a_branch_secretary_sees_the_figures_but_no_create_links(self, login, world):
        MatterFactory(committee=world.a, raised_on=today())
        page = text(self.committee_page(login, world.branch_secretary, world.a))
        assert 'data-testid="matters-open">1<' in page
        assert url("matter-list", world.a) in page
        assert url("matter-create", world.a) not in page
        assert url("meeting-create", world.a) not in page

    def test_a_member_sees_no_matter_figures(self, login, world):
        MatterFactory(committee=world.a, raised_on=today(), title="别人的纠纷")
        response = self.committee_page(login, world.member_user, world.a)
        page = text(response)
        assert response.context["meetings_matters"]["matters"] is None
        assert "matters-open" not in page and "别人的纠纷" not in page
        assert url("matter-list", world.a) not in page
        assert url("meeting-list", world.a) in page

    def test_a_member_sees_only_the_monthly_meetings_they_were_expected_at(self, login, world):
        meeting = MeetingFactory(committee=world.a)
        page = text(self.committee_page(login, world.member_user, world.a))
        assert meeting.get_absolute_url() not in page
        meeting.attendances.create(member=world.a_member, name=world.a_member.name)
        page = text(self.committee_page(login, world.member_user, world.a))
        assert meeting.get_absolute_url() in page
