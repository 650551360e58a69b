"""申请更正: a member asks to correct a detail of their record; whoever may edit the member
(their committee's side, their branch's secretary, the district) accepts it (a plain detail is
then written to the record, validated as an edit) or refuses it with a reason; the member is
told in the bell and sees the state on their page. Nobody else sees or decides it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from members import corrections
from members.models import CorrectionRequest, CorrectionStatus
from tests.conftest import session_queries
from tests.factories import MemberFactory, UserFactory

NEW = reverse("members:correction-create")
ME = reverse("members:me")


def decide_url(correction) -> str:
    return reverse("members:correction-decide", args=[correction.pk])


def list_url(committee) -> str:
    return reverse("members:correction-list", args=[committee.pk])


def ask(world, field="address", value="学苑小区3号楼3单元", note=""):
    return corrections.correction_request(
        member=world.a_member, user=world.member_user, field=field, proposed_value=value,
        note=note)


# --- the member asks ------------------------------------------------------------------------

def test_the_member_asks_and_the_secretary_hears(world, login):
    world.a_member.mobile = "13812345678"
    world.a_member.save()
    client = login(world.member_user)

    response = client.post(NEW, {"field": "mobile", "proposed_value": "139 0000 1111",
                                 "note": "换了号码"})

    assert response.status_code == 302 and response["Location"] == ME
    correction = CorrectionRequest.objects.get()
    assert correction.member == world.a_member and correction.requested_by == world.member_user
    assert correction.current_value == "138****5678"  # the record's value, masked
    assert correction.status == CorrectionStatus.PENDING
    [note] = Notification.objects.filter(user=world.secretary_a)
    assert note.url == decide_url(correction) and world.a_member.name in note.text
    assert not Notification.objects.filter(user=world.secretary_b).exists()
    page = client.get(ME).content.decode()
    assert page.count('data-testid="my-correction"') == 1 and "等待书记处理" in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"field": "mobile", "proposed_value": "12345"}, "proposed_value", "手机号"),
    ({"field": "id_number", "proposed_value": "110101199003074259"}, "proposed_value",
     "身份证号"),
    ({"field": "joined_on", "proposed_value": "2020年7月1日"}, "proposed_value", "入党"),
    ({"field": "name", "proposed_value": ""}, "proposed_value", "姓名"),
    ({"field": "other", "proposed_value": "", "note": ""}, "note", "说明"),
    ({"field": "", "proposed_value": "x"}, "field", "选择"),
])
def test_a_bad_request_is_refused_with_a_message_naming_the_field(
        world, login, data, field, message):
    response = login(world.member_user).post(NEW, data)

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert not CorrectionRequest.objects.exists()


def test_the_same_field_waits_once(world, login):
    ask(world)
    response = login(world.member_user).post(
        NEW, {"field": "address", "proposed_value": "学苑小区5号楼"})

    assert response.status_code == 400
    assert "已在等待" in str(response.context["form"].errors)
    assert CorrectionRequest.objects.count() == 1


def test_asking_needs_a_member_record(world, login, client):
    assert client.get(NEW).status_code == 302
    assert login(world.secretary_a).get(NEW).status_code == 404


# --- the secretary decides ------------------------------------------------------------------

def test_accepting_writes_the_value_and_tells_the_member(world, login):
    correction = ask(world, field="mobile", value="13900001111")
    client = login(world.secretary_a)

    response = client.post(decide_url(correction), {"decision": "accept"})

    assert response.status_code == 302 and response["Location"] == list_url(world.a)
    world.a_member.refresh_from_db()
    correction.refresh_from_db()
    assert world.a_member.mobile == "13900001111" and world.a_member.mobile_tail == "1111"
    assert correction.status == CorrectionStatus.ACCEPTED
    assert correction.decided_by == world.secretary_a and correction.decided_at
    assert correction.proposed_value == "139****1111"  # kept masked once decided
    [note] = Notification.objects.filter(user=world.member_user, key__startswith="correction")
    assert "已接受" in note.text and note.url == ME
    page = login(world.member_user).get(ME).content.decode()
    assert "已接受" in page


def test_accepting_a_date_writes_it(world, login):
    correction = ask(world, field="joined_on", value="2001-07-01")
    login(world.secretary_a).post(decide_url(correction), {"decision": "accept"})

    world.a_member.refresh_from_db()
    assert world.a_member.joined_on == date(2001, 7, 1)


def test_accepting_a_membership_correction_changes_nothing_by_itself(world, login):
    correction = ask(world, field="membership", value="离退休干部党支部")
    login(world.secretary_a).post(decide_url(correction), {"decision": "accept"})

    world.a_member.refresh_from_db()
    correction.refresh_from_db()
    assert world.a_member.branch == world.a_branch  # a transfer is made on its own page
    assert correction.status == CorrectionStatus.ACCEPTED


def test_a_value_the_record_refuses_now_leaves_the_request_waiting(world, login):
    correction = ask(world, field="id_number", value="110101199003074258")
    MemberFactory(committee=world.a, branch=world.a_branch, id_number="110101199003074258")

    response = login(world.secretary_a).post(decide_url(correction), {"decision": "accept"})

    assert response.status_code == 400
    assert "身份证号" in str(response.context["form"].errors)
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING
    assert not Notification.objects.filter(user=world.member_user).exists()


def test_refusing_needs_a_reason(world, login):
    correction = ask(world)
    client = login(world.secretary_a)

    response = client.post(decide_url(correction), {"decision": "refuse", "reason": "  "})

    assert response.status_code == 400
    assert "说明" in str(response.context["form"].errors["reason"])
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING


def test_refusing_with_a_reason_tells_the_member_why(world, login):
    correction = ask(world)
    response = login(world.branch_secretary).post(
        decide_url(correction), {"decision": "refuse", "reason": "户籍地址未变更"})

    # a branch secretary keeps the member but not the committee's list: back to the member
    assert response["Location"] == world.a_member.get_absolute_url()
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REFUSED
    assert correction.reason == "户籍地址未变更"
    [note] = Notification.objects.filter(user=world.member_user)
    assert "户籍地址未变更" in note.text
    world.a_member.refresh_from_db()
    assert world.a_member.address == ""


def test_a_decided_request_is_decided_once(world, login):
    correction = ask(world)
    client = login(world.secretary_a)
    client.post(decide_url(correction), {"decision": "refuse", "reason": "已核实"})

    response = client.post(decide_url(correction), {"decision": "accept"})

    assert response.status_code == 400
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REFUSED


def test_the_member_page_shows_the_waiting_request_to_who_may_decide(world, login):
    correction = ask(world)
    page = login(world.secretary_a).get(world.a_member.get_absolute_url()).content.decode()

    assert decide_url(correction) in page


# --- scope ----------------------------------------------------------------------------------

def test_another_committees_secretary_can_neither_see_nor_decide(world, login):
    correction = ask(world)
    client = login(world.secretary_b)

    assert client.get(decide_url(correction)).status_code == 404
    assert client.post(decide_url(correction), {"decision": "accept"}).status_code == 404
    assert client.get(list_url(world.a)).status_code == 404
    b_list = client.get(list_url(world.b))
    assert b_list.status_code == 200 and not b_list.context["page"].object_list
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING


def test_the_member_cannot_decide_their_own_and_sees_no_one_elses(world, login):
    mine = ask(world)
    other = MemberFactory(committee=world.a, branch=world.a_branch,
                          user=UserFactory(username="other"))
    theirs = corrections.correction_request(member=other, user=other.user, field="address",
                                            proposed_value="御景苑9号楼")
    client = login(world.member_user)

    assert client.post(decide_url(mine), {"decision": "accept"}).status_code == 403
    assert client.get(decide_url(theirs)).status_code == 404
    assert "御景苑9号楼" not in client.get(ME).content.decode()


def test_the_decide_page_needs_login(world, client):
    correction = ask(world)
    assert client.get(decide_url(correction)).status_code == 302
    assert client.get(list_url(world.a)).status_code == 302


# --- the secretary's list -------------------------------------------------------------------

def test_the_list_shows_waiting_then_decided_and_says_when_empty(world, login):
    client = login(world.secretary_a)
    assert 'data-testid="empty"' in client.get(list_url(world.a)).content.decode()

    waiting = ask(world)
    decided = ask(world, field="name", value="郑优芬")
    corrections.correction_refuse(correction=decided, user=world.secretary_a, reason="与身份证一致")

    page = client.get(list_url(world.a))
    assert list(page.context["page"].object_list) == [waiting]
    page = client.get(list_url(world.a) + "?status=decided")
    assert list(page.context["page"].object_list) == [decided]


def test_the_list_holds_the_members_of_its_branches_too(world, login):
    # an in-service member living in B whose membership is in A's branch
    lodger = MemberFactory(committee=world.b, branch=world.a_branch,
                           user=UserFactory(username="lodger"))
    corrections.correction_request(member=lodger, user=lodger.user, field="address",
                                   proposed_value="御景苑1号楼")

    page = login(world.secretary_a).get(list_url(world.a))
    assert page.context["page"].paginator.count == 1
    # both committees' secretaries hear of it: both may decide
    for secretary in (world.secretary_a, world.secretary_b):
        assert Notification.objects.filter(user=secretary).count() == 1


def test_the_list_is_paginated(world, login):
    for n in range(26):
        member = MemberFactory(committee=world.a, branch=world.a_branch)
        corrections.correction_request(member=member, user=None, field="address",
                                       proposed_value=f"学苑小区{n}号楼")
    client = login(world.secretary_a)

    first = client.get(list_url(world.a))
    assert len(first.context["page"].object_list) == 25
    assert len(client.get(list_url(world.a) + "?page=2").context["page"].object_list) == 1


def test_the_landing_counts_the_waiting_corrections(world, login):
    ask(world)
    html = login(world.secretary_a).get("/").content.decode()

    assert f'href="{list_url(world.a)}" data-testid="todo-corrections"' in html


@pytest.mark.parametrize("size", [1, 12])
def test_the_list_answers_in_a_fixed_number_of_queries(
        world, login, django_assert_num_queries, size):
    for _ in range(size):
        member = MemberFactory(committee=world.a, branch=world.a_branch)
        corrections.correction_request(member=member, user=None, field="address",
                                       proposed_value="学苑小区1号楼")
    client = login(world.secretary_a)
    client.get(list_url(world.a))  # warm the caches a first page fills

    # the user and their scope (3), the committee and its write check, the count, the rows
    with django_assert_num_queries(5 + session_queries()):
        response = client.get(list_url(world.a))
    assert response.status_code == 200


def test_a_decision_moment_is_recorded(world):
    correction = ask(world)
    before = timezone.now() - timedelta(seconds=1)
    corrections.correction_accept(correction=correction, user=world.officer)
    correction.refresh_from_db()
    assert correction.decided_at >= before and correction.decided_by == world.officer


def test_a_proposed_id_number_is_masked_to_the_secretary_and_shown_logged_to_the_district(
        world, login):
    from auditlog.models import LogEntry

    number = "110101199003074258"
    correction = ask(world, field="id_number", value=number)
    secretary = login(world.secretary_a)
    for page in (secretary.get(decide_url(correction)), secretary.get(list_url(world.a))):
        body = page.content.decode()
        assert page.status_code == 200 and number not in body
        assert "1101**********4258" in body  # masked, as the record's own
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()

    officer = login(world.officer)
    assert number in officer.get(decide_url(correction)).content.decode()
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_pk) == (world.officer, str(world.a_member.pk))
    assert number not in officer.get(list_url(world.a)).content.decode()  # a list: masked
