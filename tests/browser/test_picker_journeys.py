"""A secretary picks a member by pinyin initials in the matter form (一事一议): with JavaScript
the picker asks the server as she types; without it, the text goes with the form."""

import os

import pytest
from playwright.sync_api import expect

from meetings.models import Matter
from members.names import name_pinyin

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def searchable(world):
    member = world.a_member
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    member.mobile, member.mobile_tail = "13912345678", "5678"
    member.save()
    return member


def sign_in(page, base):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("secretary_a")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def fill_matter(page, title):
    page.locator("#id_title").fill(title)
    page.locator("#id_kind").select_option(value="dispute")
    page.locator("#id_description").fill("车位纠纷")


def test_a_member_is_picked_by_pinyin_initials(page, live_server, world, searchable):
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/committees/{world.a.pk}/matters/new/")
    fill_matter(page, "停车位纠纷")
    page.locator("#id_raised_by_name").fill("居民张先生")
    combobox = page.get_by_role("combobox", name="责任人")  # the label names the combobox
    combobox.fill("zyf")
    dropdown = page.locator("#id_responsible_member-ts-dropdown")
    option = dropdown.get_by_role("option", name="郑优芳")
    expect(option).to_contain_text("139****5678")  # tells namesakes apart, masked
    expect(dropdown).not_to_contain_text("13912345678")
    combobox.press("Enter")
    page.get_by_role("button", name="保存").click()
    matter = Matter.objects.get(title="停车位纠纷")
    assert matter.responsible_member == searchable


def test_without_javascript_the_picker_is_a_plain_search(browser, live_server, world, searchable):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base)
    page.goto(f"{base}/committees/{world.a.pk}/matters/new/")
    fill_matter(page, "无脚本纠纷")
    expect(page.locator("#id_raised_on")).not_to_have_value("")  # today, said on the form
    page.locator("#id_raised_by_name").fill("居民李女士")
    page.get_by_label("查找责任人").fill("zyf")
    page.get_by_role("button", name="保存").click()
    matter = Matter.objects.get(title="无脚本纠纷")
    assert matter.responsible_member == searchable
    context.close()
