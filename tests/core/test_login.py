import pytest
from django.urls import reverse

from tests.factories import MemberFactory, UserFactory

PASSWORD = "pw-for-tests-only"


@pytest.fixture
def officer(world):
    return world.officer


def sign_in(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_it_signs_in_and_lands_where_the_user_works(client, officer, world):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    landing = client.get(response.url)
    assert landing.status_code == 302
    assert landing.url == world.district.get_absolute_url()


def test_a_wrong_password_is_refused_with_a_message(client, officer):
    response = sign_in(client, "officer", password="wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_that_username_from_that_address_only(client, officer, world):
    for _ in range(5):
        sign_in(client, "officer", password="wrong")
    locked = sign_in(client, "officer")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # the same office address still lets a colleague in
    assert sign_in(client, "secretary_a").status_code == 302
    client.logout()
    # and the same user from another address is not locked either
    assert sign_in(client, "officer", ip="10.0.0.2").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(client, officer):
    sign_in(client, "officer")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("overview:home")).url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_user_without_a_role_is_told_whom_to_ask(client):
    client.force_login(UserFactory(username="newcomer"))
    response = client.get(reverse("overview:home"))
    assert response.status_code == 200
    assert "尚未在任何大党委中分配角色" in response.content.decode()


# --- a username or a mobile number (core/auth.py) ---------------------------------------------


def test_the_sign_in_form_says_a_mobile_number_signs_in_too(client):
    page = client.get(reverse("login")).content.decode()
    assert "用户名或手机号码" in page and "自行注册的党员请用手机号码登录" in page


def test_a_member_signs_in_with_the_mobile_of_their_member_record(client, world):
    world.a_member.mobile, world.a_member.mobile_tail = "13812345678", "5678"
    world.a_member.save()
    user = world.member_user
    assert user.username != "13812345678" and user.member == world.a_member

    response = sign_in(client, "138 1234 5678")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_with_a_mobile_is_refused(client, world):
    world.a_member.mobile, world.a_member.mobile_tail = "13812345678", "5678"
    world.a_member.save()
    response = sign_in(client, "13812345678", password="wrong")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_mobile_two_accounts_share_signs_no_one_in(client, world):
    for member in (world.a_member, MemberFactory(committee=world.b, user=UserFactory())):
        member.mobile, member.mobile_tail = "13812345678", "5678"
        member.save()
    assert sign_in(client, "13812345678").status_code == 200
    assert "_auth_user_id" not in client.session
    # each still signs in with their username
    assert sign_in(client, world.member_user.username).status_code == 302


def test_a_mobile_without_an_account_signs_no_one_in(client, world):
    MemberFactory(committee=world.a, mobile="13700001111", mobile_tail="1111")
    assert sign_in(client, "13700001111").status_code == 200
    assert "_auth_user_id" not in client.session


def test_failures_with_a_mobile_lock_that_mobile_as_a_username_does(client, world):
    world.a_member.mobile, world.a_member.mobile_tail = "13812345678", "5678"
    world.a_member.save()
    for _ in range(5):
        sign_in(client, "13812345678", password="wrong")
    assert sign_in(client, "13812345678").status_code == 429
