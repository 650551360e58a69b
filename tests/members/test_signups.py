"""Self-registration: sign up on a phone, the secretary approves or returns it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from stdnum.cn import ric

from members.models import Member, SignUp, SignUpStatus


def valid_id(body17):
    return body17 + ric.calc_check_digit(body17 + "0")


NEW_ID = valid_id("14080219900303123")


def form(world, **changes):
    data = {
        "name": "李志强", "id_number": NEW_ID, "mobile": "139 0000 1111",
        "password1": "红旗渠-1960", "password2": "红旗渠-1960", "committee": world.a.pk,
        "category": "in_service", "organisation": "运城市直机关工委",
    }
    data.update(changes)
    return data


def test_a_member_signs_up_and_sees_the_pending_state(client, world):
    response = client.post(reverse("members:signup"), form(world))
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert signup.status == SignUpStatus.PENDING and signup.mobile == "13900001111"
    assert get_user_model().objects.get(username="13900001111").check_password("红旗渠-1960")
    me = client.get(reverse("members:me"))
    assert "等待" in me.content.decode() and world.a.name in me.content.decode()
    assert "今后请用手机号码登录" in me.content.decode()  # told how to sign in next time
    assert not Member.objects.filter(id_number=NEW_ID).exists()
    # ... and so they do, the mobile typed as they wrote it
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "139 0000 1111",
                                               "password": "红旗渠-1960"})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")), ("mobile", "1234"),
     ("password2", "different"), ("name", "x")],
)
def test_bad_input_names_the_field_and_creates_nothing(client, world, field, value):
    response = client.post(reverse("members:signup"), form(world, **{field: value}))
    assert response.status_code == 400
    assert f'id="id_{field}"' in response.content.decode()
    assert not SignUp.objects.exists() and not get_user_model().objects.filter(
        username="13900001111").exists()


def test_someone_already_on_a_roster_is_told_to_ask_the_secretary(client, world):
    world.a_member.id_number = NEW_ID
    world.a_member.save()
    response = client.post(reverse("members:signup"), form(world))
    assert response.status_code == 400
    assert not SignUp.objects.exists()


def test_the_secretary_approves_and_the_member_record_is_linked(client, world):
    client.post(reverse("members:signup"), form(world))
    signup = SignUp.objects.get()
    client.force_login(world.secretary_a)
    queue = client.get(reverse("members:checkin-queue", kwargs={"pk": world.a.pk})).content
    assert "李志强".encode() in queue and NEW_ID.encode() not in queue
    client.post(reverse("members:signup-approve", kwargs={"pk": signup.pk}))
    signup.refresh_from_db()
    member = Member.objects.get(id_number=NEW_ID)
    assert signup.status == SignUpStatus.APPROVED and signup.member == member
    assert signup.id_number == ""  # stored once, on the member
    assert member.user == signup.user and member.committee == world.a
    assert member.outside_organisation == "运城市直机关工委"


def test_returning_needs_a_reason_and_the_member_can_correct_and_resend(client, world):
    client.post(reverse("members:signup"), form(world))
    signup = SignUp.objects.get()
    applicant = signup.user
    client.force_login(world.secretary_a)
    url = reverse("members:signup-return", kwargs={"pk": signup.pk})
    client.post(url, {"reason": ""})
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING
    client.post(url, {"reason": "组织关系名称不完整"})
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.RETURNED

    client.force_login(applicant)
    assert "组织关系名称不完整" in client.get(reverse("members:me")).content.decode()
    data = form(world, organisation="运城市直机关工委第三党支部")
    for key in ("mobile", "password1", "password2"):
        data.pop(key)
    assert client.post(reverse("members:signup"), data).status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING
    assert signup.organisation == "运城市直机关工委第三党支部"


def test_another_committee_cannot_decide(client, world):
    client.post(reverse("members:signup"), form(world))
    signup = SignUp.objects.get()
    client.force_login(world.secretary_b)
    response = client.post(reverse("members:signup-approve", kwargs={"pk": signup.pk}))
    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.PENDING
