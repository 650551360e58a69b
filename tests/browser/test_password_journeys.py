"""A member who has forgotten their password, on a phone: wrong tries with their mobile pause
signing in, and the page says for how long and what to do; their community's secretary makes
the one-time link on the member's page; the member, signed out, opens it, sets a new password
and signs in with their mobile and the new password, landing on their page. The link then
works no more."""

import os

import pytest
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
MOBILE = "13812345678"
NEW = "盐湖-2026-新密码"
TEST_PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's


def sign_in(page, base, username, password=TEST_PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_locked_out_member_gets_a_link_from_the_secretary_and_signs_in_with_their_mobile(
    browser, live_server, world
):
    member = world.a_member
    member.mobile, member.mobile_tail = MOBILE, MOBILE[-4:]
    member.save()
    base = live_server.url

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mine = phone.new_page()
    mine.set_default_timeout(10_000)
    for _ in range(6):  # five failures lock; the sixth try meets the lock
        sign_in(mine, base, MOBILE, "wrong-guess")
    expect(mine.get_by_role("heading", name="暂停登录")).to_be_visible()
    expect(mine.locator("main")).to_contain_text("一小时后再试")
    expect(mine.locator("main")).to_contain_text("请所在社区的书记生成链接")
    expect(mine.locator("main").get_by_role("link", name="忘记密码")).to_be_visible()
    mine.locator("main").get_by_role("link", name="返回登录").click()
    expect(mine.get_by_role("heading", name="登录")).to_be_visible()

    # The secretary makes the link on the member's page and sends it (by WeChat).
    desk = browser.new_context().new_page()
    desk.set_default_timeout(10_000)
    sign_in(desk, base, "secretary_a")
    desk.goto(f"{base}{member.get_absolute_url()}")
    desk.get_by_role("button", name="忘记密码：生成重设链接").click()
    expect(desk.get_by_role("heading")).to_contain_text(member.name)
    link = desk.get_by_test_id("password-link").input_value()
    assert link.startswith(f"{base}/accounts/reset/")

    # The member, signed out on their phone, opens it and sets a new password.
    mine.goto(link)
    expect(mine.get_by_role("heading", name="设置新密码")).to_be_visible()
    mine.locator("#id_new_password1").fill(NEW)
    mine.locator("#id_new_password2").fill(NEW)
    mine.get_by_role("button", name="设置密码").click()
    expect(mine.get_by_role("heading", name="新密码已设置")).to_be_visible()
    assert mine.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mine.locator("main").get_by_role("link", name="登录", exact=True).click()

    # Their mobile and the new password sign them in at once, onto their page.
    mine.get_by_label("用户名").fill(MOBILE)
    mine.get_by_label("密码").fill(NEW)
    mine.get_by_role("button", name="登录").click()
    expect(mine.get_by_test_id("my-community")).to_contain_text(member.name)
    assert mine.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The link worked once.
    mine.goto(link)
    expect(mine.get_by_test_id("link-invalid")).to_be_visible()
    phone.close()
    desk.context.close()
