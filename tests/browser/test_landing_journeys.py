"""On a phone: a member checks in (报到) to the community where they live; that community's
secretary lands on their to-dos, follows the count to the queue and confirms it, and the
to-do is gone; the member's landing then says they are checked in and shows the notification,
and the bell in the top bar counts it until they open it."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.models import CheckIn, CheckInStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def test_a_checkin_waits_on_the_secretarys_landing_until_confirmed(browser, live_server, world):
    member = world.a_member
    member.category = "in_service"
    member.save()
    base = live_server.url

    member_phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mine = member_phone.new_page()
    sign_in(mine, base, "member")
    expect(mine.get_by_test_id("my-checkin")).to_contain_text("尚未到居住社区报到")
    mine.get_by_test_id("my-checkin").get_by_role("link").click()
    mine.locator("#checkin-committee").select_option(label="御沁园社区")
    mine.get_by_role("button", name="报到").click()
    assert CheckIn.objects.get(member=member).status == CheckInStatus.PENDING

    secretary_phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    desk = secretary_phone.new_page()
    sign_in(desk, base, "secretary_b")
    todo = desk.get_by_test_id("todo-checkins")
    expect(todo).to_contain_text("待确认的报到")
    expect(todo).to_contain_text("1")
    assert desk.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    todo.click()
    row = desk.get_by_test_id("pending-checkin")
    expect(row).to_contain_text(member.name)
    row.get_by_role("button", name="确认").click()
    desk.goto(f"{base}/")
    expect(desk.get_by_test_id("todo-checkins")).to_have_count(0)

    mine.goto(f"{base}/")
    expect(mine.get_by_test_id("my-checkin")).to_contain_text("御沁园社区")
    expect(mine.get_by_test_id("my-checkin")).to_contain_text("已报到")
    expect(mine.get_by_test_id("my-notifications")).to_contain_text("御沁园社区已确认您的报到")
    assert mine.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The bell in the top bar counts it; it opens the list, the notification their page, and
    # then it is read.
    bell = mine.get_by_test_id("bell")
    expect(bell.get_by_test_id("unread-count")).to_contain_text("1")
    bell.click()
    note = mine.get_by_test_id("notifications").get_by_role("link").filter(
        has_text="御沁园社区已确认您的报到"
    )
    expect(note).to_contain_text("未读")
    note.click()
    expect(mine).to_have_url(f"{base}{reverse('members:me')}")
    expect(mine.get_by_test_id("bell").get_by_test_id("unread-count")).to_have_count(0)
    member_phone.close()
    secretary_phone.close()
