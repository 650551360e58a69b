"""Real-browser journeys (Chromium through Playwright) against a live server."""

import os

import pytest
from playwright.sync_api import Page, expect

from branches.models import Branch

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that without
# this flag. The tests' own ORM calls are plain and sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only"


def sign_in(page: Page, base_url: str, username: str):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_officer_adds_a_branch_through_the_form_and_sees_it_in_the_tree(
    page: Page, live_server, world
):
    sign_in(page, live_server.url, "officer")
    # Home takes the district officer to the district page.
    expect(page.get_by_role("heading", level=1)).to_contain_text("盐湖区")
    # the district's committees and their structure, then 学苑's card
    page.get_by_test_id("district-committees").click()
    page.locator(".list-group").get_by_role("link", name="学苑社区").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("学苑社区")

    page.get_by_role("link", name="新建支部").click()
    page.get_by_label("类型").select_option(label="离退休干部党支部")
    page.get_by_label("名称").fill("学苑社区第二离退休干部党支部")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text("支部")
    tree = page.get_by_role("list", name="组织结构")
    expect(tree).to_contain_text("学苑社区第二离退休干部党支部")
    assert Branch.objects.filter(
        committee=world.a, name="学苑社区第二离退休干部党支部", kind="retirees"
    ).exists()


def test_secretary_of_another_committee_gets_not_found(page: Page, live_server, world):
    sign_in(page, live_server.url, "secretary_b")
    # they land on their to-dos, under their own committee's name
    expect(page.get_by_role("heading", level=1)).to_contain_text("待办事项")
    expect(page.get_by_role("heading", level=2)).to_contain_text("御沁园社区")
    response = page.goto(f"{live_server.url}/committees/{world.a.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("未找到")
    expect(page.locator("body")).not_to_contain_text("学苑社区")


def test_committee_page_fits_a_phone_screen(page: Page, live_server, world):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, "secretary_a")
    page.get_by_role("heading", level=2).get_by_role("link", name="学苑社区").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("学苑社区")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    # The menu collapses behind a button and opens on tap.
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
