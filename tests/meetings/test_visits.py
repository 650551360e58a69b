"""Visits (走街串户) and early warning (抓早抓小): who records a visit and where, who went, no ID
numbers, raising a matter from it, flagging a matter's risk of a petition (上访苗头) and
closing it as mediated on the spot, flagged matters first; the pages, their scope and their
queries."""

import html
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from meetings import matters, visits
from meetings.models import Matter, MatterOutcome, MatterStatus, Visit
from tests.conftest import session_queries
from tests.factories import (
    CommitteeFactory,
    MatterFactory,
    MemberFactory,
    ServiceTeamFactory,
    UserFactory,
    grant,
)

S, OUT = MatterStatus, MatterOutcome
ID_NUMBER = "14080219800101123X"


def today():
    return timezone.localdate()


def url(name, obj):
    return reverse(f"meetings:{name}", args=[obj.pk])


def text(response):
    return html.unescape(response.content.decode())


def record(world, user=None, **fields):
    data = {"visited_on": today(), "place_kind": "shop", "address": "解放路112号 鑫源五金店",
            "heard": "店主与楼上住户因占道摆货争执", "visitors": [world.a_member]}
    data.update(fields)
    return visits.visit_record(committee=world.a, user=user or world.secretary_a, **data)


def form(**fields):
    data = {"visited_on": today().isoformat(), "place_kind": "household",
            "address": "东巷3号楼2单元", "heard": "两户因漏水起争执"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def neighbour(world):
    """Another member of A, a small-business member (小个专)."""
    return MemberFactory(committee=world.a, branch=world.a_branch, name="李建华",
                         category="small_business")


# --- recording a visit -----------------------------------------------------------------------

class TestVisitRecord:
    def test_the_secretary_records_who_went_where_when_and_what_they_heard(
        self, world, neighbour
    ):
        team = ServiceTeamFactory(committee=world.a)
        visit = record(world, visitors=[world.a_member, neighbour], team=team,
                       address="  解放路112号  ")
        assert visit.committee == world.a and visit.recorded_by == world.secretary_a
        assert visit.address == "解放路112号"
        assert set(visit.visitors.all()) == {world.a_member, neighbour}
        assert visit.team == team

    def test_a_member_records_their_own_visit_in_their_committee(self, world, neighbour):
        visit = record(world, user=world.member_user, visitors=[neighbour])
        assert visit.recorded_by == world.member_user
        assert set(visit.visitors.all()) == {world.a_member, neighbour}

    def test_a_member_records_no_visit_in_another_committee(self, world):
        with pytest.raises(PermissionDenied):
            visits.visit_record(committee=world.b, user=world.member_user, visited_on=today(),
                                place_kind="shop", address="御沁园1号", heard="无事")
        assert not Visit.objects.exists()

    def test_nobody_without_a_member_record_there_records_one(self, world):
        with pytest.raises(PermissionDenied):
            record(world, user=world.branch_secretary)
        assert not visits.may_record(world.branch_secretary, world.a)
        assert visits.may_record(world.member_user, world.a)
        assert not visits.may_record(world.member_user, world.b)

    @pytest.mark.parametrize("field", ["address", "heard"])
    @pytest.mark.parametrize("number", [ID_NUMBER, "140802198001011234",
                                        "1408 0219 8001 0112 34"])
    def test_an_id_number_in_the_address_or_notes_is_refused(self, world, field, number):
        with pytest.raises(ValidationError) as caught:
            record(world, **{field: f"住户身份证{number}，反映噪音"})
        assert "ID number" in caught.value.message_dict[field][0]
        assert not Visit.objects.exists()
        assert not LogEntry.objects.filter(changes_text__contains=number[:6]).exists()

    def test_other_numbers_are_no_id_number(self, world):
        visit = record(world, address="解放路112号 电话13912345678 邮编044000")
        assert visit.pk

    def test_visitors_must_be_members_of_the_committee_and_at_least_one(self, world):
        stranger = MemberFactory(committee=world.b)
        with pytest.raises(ValidationError) as caught:
            record(world, visitors=[world.a_member, stranger])
        assert "visitors" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            record(world, visitors=[])
        assert "visitors" in caught.value.message_dict
        assert not Visit.objects.exists()

    def test_the_team_is_the_committees(self, world):
        with pytest.raises(ValidationError) as caught:
            record(world, team=ServiceTeamFactory(committee=world.b))
        assert "team" in caught.value.message_dict

    def test_not_in_the_future_and_not_empty(self, world):
        with pytest.raises(ValidationError) as caught:
            record(world, visited_on=today() + timedelta(days=1), address=" ", heard="")
        assert set(caught.value.message_dict) == {"visited_on", "address", "heard"}

    def test_each_visit_is_in_the_audit_log_with_its_visitors(self, world):
        visit = record(world)
        entries = LogEntry.objects.get_for_object(visit)
        assert entries.filter(action=LogEntry.Action.CREATE).exists()
        assert any("visitors" in (e.changes_dict or {}) for e in entries)


# --- raising a matter, flagging it, closing it -------------------------------------------------

class TestMattersFromVisits:
    def test_a_visit_raises_a_matter_by_its_visitor_on_its_day(self, world):
        visit = record(world, visited_on=today() - timedelta(days=2))
        matter = visits.visit_raise_matter(visit=visit, user=world.secretary_a,
                                           title="占道经营纠纷", risk_flag=True)
        assert matter.visit == visit and matter.committee == world.a
        assert matter.raised_by_member == world.a_member
        assert matter.raised_on == visit.visited_on
        assert matter.description == visit.heard and matter.kind == "dispute"
        assert matter.risk_flag and matter.status == S.OPEN and matter.outcome == ""

    def test_a_member_records_a_visit_and_its_matter_at_once_or_neither(self, world):
        visit = visits.visit_record_raising(
            committee=world.a, user=world.member_user, visited_on=today(),
            place_kind="shop", address="解放路96号", heard="店家与顾客争吵",
            matter={"title": "顾客退货纠纷", "kind": "dispute", "risk_flag": False},
        )
        assert visit.matters.get().raised_by_member == world.a_member
        with pytest.raises(ValidationError) as caught:
            visits.visit_record_raising(
                committee=world.a, user=world.member_user, visited_on=today(),
                place_kind="shop", address="解放路97号", heard="争吵",
                matter={"title": f"身份证{ID_NUMBER}", "kind": "dispute", "risk_flag": False},
            )
        assert "matter_title" in caught.value.message_dict
        assert Visit.objects.count() == 1 and Matter.objects.count() == 1

    def test_flagging_marks_and_unmarks_the_risk(self, world):
        matter = MatterFactory(committee=world.a)
        matters.matter_flag(matter=matter, user=world.secretary_a, flagged=True)
        assert Matter.objects.get(pk=matter.pk).risk_flag
        matters.matter_flag(matter=matter, user=world.secretary_a, flagged=False)
        assert not Matter.objects.get(pk=matter.pk).risk_flag

    def test_closing_as_mediated_on_the_spot_names_the_mediator(self, world, neighbour):
        matter = MatterFactory(committee=world.a, risk_flag=True)
        matters.matter_set_status(matter=matter, user=world.secretary_a, status=S.RESOLVED,
                                  outcome=OUT.ON_THE_SPOT, mediator=neighbour)
        matter.refresh_from_db()
        assert (matter.status, matter.outcome, matter.mediator) == (
            S.RESOLVED, OUT.ON_THE_SPOT, neighbour)
        assert matter.resolved_on == today()

    def test_on_the_spot_needs_a_mediator_of_the_committee(self, world):
        matter = MatterFactory(committee=world.a)
        with pytest.raises(ValidationError) as caught:
            matters.matter_set_status(matter=matter, user=world.secretary_a,
                                      status=S.RESOLVED, outcome=OUT.ON_THE_SPOT)
        assert "mediator" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            matters.matter_set_status(matter=matter, user=world.secretary_a, status=S.RESOLVED,
                                      outcome=OUT.ON_THE_SPOT,
                                      mediator=MemberFactory(committee=world.b))
        assert "mediator" in caught.value.message_dict
        assert Matter.objects.get(pk=matter.pk).status == S.OPEN

    def test_resolving_is_by_deliberation_escalating_is_escalated_and_back_is_none(self, world):
        plain = MatterFactory(committee=world.a)
        matters.matter_set_status(matter=plain, user=world.secretary_a, status=S.RESOLVED)
        assert Matter.objects.get(pk=plain.pk).outcome == OUT.DELIBERATED
        up = MatterFactory(committee=world.a)
        matters.matter_set_status(matter=up, user=world.secretary_a, status=S.ESCALATED,
                                  escalated_to="街道司法所")
        assert Matter.objects.get(pk=up.pk).outcome == OUT.ESCALATED
        # resolved by the street: it stays escalated, not settled at the grass roots
        matters.matter_set_status(matter=up, user=world.secretary_a, status=S.RESOLVED)
        assert Matter.objects.get(pk=up.pk).outcome == OUT.ESCALATED
        back = MatterFactory(committee=world.a)
        matters.matter_set_status(matter=back, user=world.secretary_a, status=S.ESCALATED,
                                  escalated_to="街道")
        matters.matter_set_status(matter=back, user=world.secretary_a, status=S.IN_PROGRESS,
                                  decision="街道退回社区办理")
        assert Matter.objects.get(pk=back.pk).outcome == ""

    def test_an_escalated_matter_is_not_mediated_on_the_spot(self, world, neighbour):
        matter = MatterFactory(committee=world.a)
        matters.matter_set_status(matter=matter, user=world.secretary_a, status=S.ESCALATED,
                                  escalated_to="街道")
        with pytest.raises(ValidationError) as caught:
            matters.matter_set_status(matter=matter, user=world.secretary_a, status=S.RESOLVED,
                                      outcome=OUT.ON_THE_SPOT, mediator=neighbour)
        assert "outcome" in caught.value.message_dict
        assert Matter.objects.get(pk=matter.pk).status == S.ESCALATED

    def test_the_database_keeps_the_outcome_with_the_status(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            MatterFactory(committee=world.a, status="resolved", resolved_on=today(), outcome="")
        with pytest.raises(IntegrityError), transaction.atomic():
            MatterFactory(committee=world.a, status="open", outcome="deliberated")
        with pytest.raises(IntegrityError), transaction.atomic():
            MatterFactory(committee=world.a, status="escalated", escalated_to="街道",
                          outcome="on_the_spot")

    def test_editing_a_mediated_matter_keeps_its_mediator(self, world, neighbour):
        matter = MatterFactory(committee=world.a)
        matters.matter_set_status(matter=matter, user=world.secretary_a, status=S.RESOLVED,
                                  outcome=OUT.ON_THE_SPOT, mediator=neighbour)
        matter.refresh_from_db()
        matter.mediator = None
        with pytest.raises(ValidationError) as caught:
            matters.matter_save(matter=matter, user=world.secretary_a)
        assert "mediator" in caught.value.message_dict


# --- the pages -------------------------------------------------------------------------------

class TestVisitPages:
    def test_every_page_sends_an_anonymous_visitor_to_sign_in(self, client, world):
        visit = record(world)
        matter = MatterFactory(committee=world.a)
        for name, obj in [("visit-list", world.a), ("visit-create", world.a),
                          ("visit-detail", visit), ("visit-matter", visit),
                          ("matter-mediated", matter)]:
            response = client.get(url(name, obj))
            assert response.status_code == 302 and "login" in response.url, name

    def test_committee_bs_secretary_finds_nothing_of_as_visits(self, login, world):
        visit = record(world)
        client = login(world.secretary_b)
        for name, obj in [("visit-list", world.a), ("visit-create", world.a),
                          ("visit-detail", visit), ("visit-matter", visit)]:
            assert client.get(url(name, obj)).status_code == 404, name
        assert "解放路112号" not in text(client.get(url("visit-list", world.b)))

    def test_a_member_of_another_committee_records_nothing_here(self, login, world):
        other = MemberFactory(committee=world.b, user=UserFactory(username="b_member"))
        client = login(other.user)
        assert client.get(url("visit-create", world.a)).status_code == 404
        assert client.post(url("visit-create", world.a), form()).status_code == 404
        assert not Visit.objects.exists()

    def test_a_member_sees_their_own_visits_only(self, login, world, neighbour):
        mine = record(world, address="我走访的店")
        theirs = record(world, visitors=[neighbour], address="别人走访的店")
        client = login(world.member_user)
        page = text(client.get(url("visit-list", world.a)))
        assert "我走访的店" in page and "别人走访的店" not in page
        assert client.get(url("visit-detail", mine)).status_code == 200
        assert client.get(url("visit-detail", theirs)).status_code == 404
        assert client.get(url("visit-matter", mine)).status_code == 403

    def test_a_member_on_a_phone_records_a_visit_that_raises_a_matter(self, login, world):
        client = login(world.member_user)
        page = text(client.get(url("visit-create", world.a)))
        assert 'name="visitors"' not in page  # they went themselves
        response = client.post(url("visit-create", world.a), form(
            raise_matter="on", matter_title="漏水责任纠纷", matter_kind="dispute",
            risk_flag="on"))
        visit = Visit.objects.get()
        assert response.status_code == 302 and response.url == url("visit-detail", visit)
        assert list(visit.visitors.all()) == [world.a_member]
        matter = visit.matters.get()
        assert matter.risk_flag and matter.raised_by_member == world.a_member
        detail = text(client.get(url("visit-detail", visit)))
        assert "漏水责任纠纷" in detail and url("matter-detail", matter) in detail

    def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(self, login, world):
        client = login(world.member_user)
        response = client.post(url("visit-create", world.a), form(address=f"3号楼{ID_NUMBER}"))
        assert response.status_code == 400
        assert response.context["form"].errors["address"]
        response = client.post(url("visit-create", world.a), form(raise_matter="on"))
        assert response.status_code == 400 and response.context["form"].errors["matter_title"]
        response = client.post(url("visit-create", world.a), form(place_kind="palace"))
        assert response.status_code == 400 and response.context["form"].errors["place_kind"]
        response = client.post(url("visit-create", world.a), form(
            visited_on=(today() + timedelta(days=3)).isoformat()))
        assert response.status_code == 400 and response.context["form"].errors["visited_on"]
        assert not Visit.objects.exists() and not Matter.objects.exists()

    def test_the_secretary_names_several_visitors_and_a_team(self, login, world, neighbour):
        team = ServiceTeamFactory(committee=world.a)
        client = login(world.secretary_a)
        response = client.post(url("visit-create", world.a), form(
            visitors=[world.a_member.pk, neighbour.pk], team=team.pk))
        assert response.status_code == 302
        visit = Visit.objects.get()
        assert set(visit.visitors.all()) == {world.a_member, neighbour} and visit.team == team
        assert visit.recorded_by == world.secretary_a

    def test_the_secretary_raises_a_matter_from_a_visit(self, login, world):
        visit = record(world)
        client = login(world.secretary_a)
        assert "店主与楼上住户" in text(client.get(url("visit-matter", visit)))
        response = client.post(url("visit-matter", visit), {
            "title": "占道经营纠纷", "kind": "dispute", "description": "占道摆货",
            "risk_flag": "on"})
        matter = Matter.objects.get()
        assert response.url == url("matter-detail", matter)
        assert matter.visit == visit and matter.risk_flag
        page = text(client.get(url("matter-detail", matter)))
        assert url("visit-detail", visit) in page and "解放路112号" in page

    def test_an_empty_list_invites_and_twenty_to_a_page(self, login, world):
        client = login(world.secretary_a)
        page = text(client.get(url("visit-list", world.a)))
        assert 'data-testid="visit-empty"' in page and url("visit-create", world.a) in page
        for n in range(21):
            record(world, address=f"东巷{n}号")
        first = client.get(url("visit-list", world.a))
        assert len(first.context["page"].object_list) == 20
        assert len(client.get(url("visit-list", world.a), {"page": 2})
                   .context["page"].object_list) == 1

    # user, scope (2), the committee, whether the user may write it, the count, the page, its
    # visitors, its matters
    @pytest.mark.parametrize("persona, own", [("secretary_a", 7), ("member_user", 8)])
    def test_the_queries_do_not_grow_with_the_visits(
        self, login, world, django_assert_num_queries, persona, own, neighbour
    ):
        team = ServiceTeamFactory(committee=world.a)
        client = login(getattr(world, persona))

        def fill(n):
            for i in range(n):
                visit = record(world, visitors=[world.a_member, neighbour], team=team,
                               address=f"东巷{i}号")
                visits.visit_raise_matter(visit=visit, user=world.secretary_a, title=f"事{i}",
                                          risk_flag=bool(i % 2))

        fill(2)
        with django_assert_num_queries(own + session_queries()):
            small = client.get(url("visit-list", world.a))
        fill(25)
        with django_assert_num_queries(own + session_queries()):
            large = client.get(url("visit-list", world.a))
        assert text(small).count('data-testid="visit-row"') == 2
        assert text(large).count('data-testid="visit-row"') == 20


class TestFlagAndMediatedPages:
    def test_the_secretary_flags_a_matter_and_it_comes_first(self, login, world):
        MatterFactory(committee=world.a, title="早到期的事", due_on=today())
        quiet = MatterFactory(committee=world.a, title="有上访苗头的事")
        MatterFactory(committee=world.a, title="已办结且有苗头", status="resolved",
                      resolved_on=today(), risk_flag=True)
        client = login(world.secretary_a)
        response = client.post(url("matter-flag", quiet), {"flagged": "1"})
        assert response.url == url("matter-detail", quiet)
        page = text(client.get(url("matter-list", world.a)))
        titles = ("有上访苗头的事", "早到期的事", "已办结且有苗头")
        first, due, closed = (page.index(t) for t in titles)
        assert first < due < closed
        assert page.count('data-testid="matter-flag"') == 2
        flagged = client.get(url("matter-list", world.a), {"flagged": "on"}).context["page"]
        assert sorted(m.title for m in flagged) == ["已办结且有苗头", "有上访苗头的事"]
        client.post(url("matter-flag", quiet), {"flagged": "0"})
        assert not Matter.objects.get(pk=quiet.pk).risk_flag

    def test_only_the_committees_side_flags(self, login, world):
        matter = MatterFactory(committee=world.a)
        assert login(world.branch_secretary).post(url("matter-flag", matter),
                                                  {"flagged": "1"}).status_code == 403
        assert login(world.secretary_b).post(url("matter-flag", matter),
                                             {"flagged": "1"}).status_code == 404
        assert not Matter.objects.get(pk=matter.pk).risk_flag

    def test_the_secretary_closes_a_matter_as_mediated_on_the_spot(
        self, login, world, neighbour
    ):
        matter = MatterFactory(committee=world.a, responsible_member=neighbour)
        client = login(world.secretary_a)
        page = text(client.get(url("matter-detail", matter)))
        assert url("matter-mediated", matter) in page
        response = client.post(url("matter-mediated", matter), {
            "mediator": neighbour.pk, "decision": "当场劝解，双方和解"})
        assert response.url == url("matter-detail", matter)
        matter.refresh_from_db()
        assert (matter.status, matter.outcome, matter.mediator) == (
            "resolved", "on_the_spot", neighbour)
        page = text(client.get(url("matter-detail", matter)))
        assert "李建华" in page and 'data-testid="matter-outcome"' in page
        assert url("matter-mediated", matter) not in page

    def test_mediated_refuses_a_stranger_and_a_future_day(self, login, world):
        matter = MatterFactory(committee=world.a)
        client = login(world.secretary_a)
        stranger = MemberFactory(committee=world.b)
        response = client.post(url("matter-mediated", matter), {"mediator": stranger.pk})
        assert response.status_code == 400 and response.context["form"].errors["mediator"]
        response = client.post(url("matter-mediated", matter), {
            "mediator": world.a_member.pk,
            "resolved_on": (today() + timedelta(days=2)).isoformat()})
        assert response.status_code == 400 and response.context["form"].errors["resolved_on"]
        assert Matter.objects.get(pk=matter.pk).status == "open"


def test_the_committee_page_lists_matters_at_risk_first(login, world):
    MatterFactory(committee=world.a, title="明天到期的事", due_on=today() + timedelta(days=1))
    MatterFactory(committee=world.a, title="有苗头的事", due_on=today() + timedelta(days=9),
                  risk_flag=True)
    page = text(login(world.secretary_a).get(
        reverse("overview:committee-detail", args=[world.a.pk])))
    assert page.index("有苗头的事") < page.index("明天到期的事")
    assert reverse("meetings:visit-list", args=[world.a.pk]) in page


def test_the_secretarys_page_counts_the_open_matters_at_risk_first(login, world):
    MatterFactory(committee=world.a, risk_flag=True)
    MatterFactory(committee=world.a, risk_flag=True)
    MatterFactory(committee=world.a, risk_flag=True, status="resolved", resolved_on=today())
    MatterFactory(committee=world.a, due_on=today() - timedelta(days=1))  # overdue
    todos = login(world.secretary_a).get(reverse("overview:home")).context["committees"][0].todos
    matters_todos = [t for t in todos if t.key in ("flagged", "overdue")]
    assert [(t.key, t.count, t.late) for t in matters_todos] == [
        ("flagged", 2, True), ("overdue", 1, True)]
    link = reverse("meetings:matter-list", args=[world.a.pk]) + "?flagged=true"
    assert matters_todos[0].url == link


def test_a_committee_of_another_district_is_out_of_reach(login, world):
    elsewhere = CommitteeFactory()
    user = UserFactory(username="elsewhere")
    grant(user, "committee_secretary", elsewhere)
    assert login(user).get(url("visit-list", world.a)).status_code == 404
