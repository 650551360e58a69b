"""A member on a phone withdraws a check-in (报到) still waiting for confirmation, after being
asked, and can then check in elsewhere."""

import os

import pytest
from playwright.sync_api import expect

from members.models import CheckIn, CheckInStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_a_member_withdraws_a_waiting_check_in_on_a_phone(browser, live_server, world):
    waiting = CheckIn.objects.create(member=world.a_member, committee=world.b)
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/me/")
    page.get_by_label("用户名").fill("member")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_test_id("checkin-state")).to_contain_text(world.b.name)
    page.get_by_test_id("withdraw-checkin").click()
    # Asked first: nothing is withdrawn yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("撤回报到")
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.PENDING
    page.get_by_role("button", name="确认").click()

    expect(page.get_by_text(f"您向{world.b.name}的报到已撤回。")).to_be_visible()
    expect(page.get_by_test_id("checkin-row").first).to_contain_text("已撤回")
    expect(page.get_by_test_id("withdraw-checkin")).to_have_count(0)
    expect(page.get_by_label("您居住的社区")).to_be_visible()  # free to check in again
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    waiting.refresh_from_db()
    assert waiting.status == CheckInStatus.WITHDRAWN
