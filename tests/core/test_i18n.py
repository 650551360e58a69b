import pytest


def test_pages_are_in_chinese_by_default_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "登录" in html


@pytest.mark.django_db
def test_english_can_be_chosen_from_the_page_and_sticks(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "en"
    html = page.content.decode()
    assert "Sign in" in html
    assert "登录" not in html
    # and back to Chinese
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录" in client.get("/accounts/login/").content.decode()
