"""Page not found, forbidden, bad request, an expired form and a server error: each a styled
page in Chinese with a way back, never Django's English ones; the server error's without the
database (it may be what failed)."""

import html

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from tests.factories import MatterFactory


def text(response):
    return html.unescape(response.content.decode())


def styled(page: str) -> bool:
    return "bootstrap.min.css" in page and "portal.css" in page


@pytest.mark.django_db
def test_a_page_that_is_not_there(client):
    response = client.get("/no-such-page/")
    page = text(response)
    assert response.status_code == 404
    assert "未找到" in page
    assert styled(page) and 'href="/"' in page
    assert "Page not found" not in page and "URLconf" not in page  # not Django's debug page


@pytest.mark.django_db
def test_a_page_the_role_may_not_change(login, world):
    matter = MatterFactory(committee=world.a)
    response = login(world.branch_secretary).get(
        reverse("meetings:matter-update", args=[matter.pk]))
    page = text(response)
    assert response.status_code == 403
    assert styled(page) and "无权操作" in page
    assert 'href="/"' in page


@pytest.mark.django_db
def test_an_expired_form_says_so_and_offers_the_page_again(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary_a)
    url = reverse("meetings:matter-create", args=[world.a.pk])
    response = client.post(url, {"title": "停车位纠纷"})  # no CSRF token: the form expired
    page = text(response)
    assert response.status_code == 403
    assert "表单已过期" in page and "没有保存" in page
    assert f'href="{url}"' in page and styled(page)
    assert "CSRF" not in page  # Django's reason stays in the log
    assert not world.a.matters.exists()


@pytest.mark.django_db
def test_an_expired_button_offers_the_page_it_was_on(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary_a)
    member_page = f"http://testserver{world.a_member.get_absolute_url()}"
    response = client.post(reverse("members:member-password-link", args=[world.a_member.pk]),
                           HTTP_REFERER=member_page)
    assert response.status_code == 403
    assert f'href="{member_page}"' in text(response)
    # a page of another site is never offered
    elsewhere = client.post(reverse("members:member-password-link", args=[world.a_member.pk]),
                            HTTP_REFERER="https://evil.example/phish")
    assert "evil.example" not in text(elsewhere)


@pytest.mark.django_db
def test_a_bad_request():
    request = RequestFactory().get("/")
    response = bad_request(request, Exception("bad"))
    page = text(response)
    assert response.status_code == 400 and "无法读取" in page and styled(page)


def test_a_server_error_page_needs_no_database():
    # no django_db mark: any query here fails the test
    response = server_error(RequestFactory().get("/"))
    page = text(response)
    assert response.status_code == 500
    assert "服务器出错了" in page and "没有保存" in page and 'href="/"' in page
    assert styled(page)
