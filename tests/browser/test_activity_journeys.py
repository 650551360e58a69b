"""A secretary plans an activity and puts its check-in QR code on the screen; a member on a
phone opens the code's link, signs in, checks in once, and a second scan says so."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity, Attendance

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN"
)


def sign_in(page, base, username):
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def test_a_secretary_shows_the_qr_code_and_a_member_checks_in_on_a_phone(
    page, browser, live_server, world
):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    sign_in(page, base, "secretary_a")

    # Plan the activity from the activity list (the secretary writes one committee).
    page.goto(f"{base}/activities/?committee={world.a.pk}")
    page.get_by_test_id("new-activity").click()
    starts = timezone.localtime() - timedelta(minutes=10)
    ends = starts + timedelta(hours=2)
    page.locator("#id_title").fill("垃圾分类宣传")
    page.locator("#id_line").select_option(value="public_welfare")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_capacity").fill("50")
    page.locator("#id_status").select_option(value="open")
    page.locator("#id_place").fill("学苑社区广场")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("垃圾分类宣传")
    activity = Activity.objects.get(committee=world.a, title="垃圾分类宣传")
    assert activity.created_by == world.secretary_a

    # Its QR screen: a code, the count so far, a new code every 30 seconds.
    page.locator(f"a[href='/activities/{activity.pk}/qr/']").first.click()
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("checked-in-count")).to_have_text("0")
    link = page.get_by_test_id("qr-link").get_attribute("href")
    assert link.startswith(f"{base}/activities/checkin/")

    # A member opens it on a phone (WeChat's browser), signs in, and checks in once.
    phone = browser.new_context(viewport=PHONE, user_agent=WECHAT_UA, is_mobile=True,
                                has_touch=True, locale="zh-CN")
    member = phone.new_page()
    member.goto(link)
    sign_in(member, base, "member")
    expect(member.get_by_role("heading", level=1)).to_have_text("垃圾分类宣传")
    member.get_by_test_id("checkin-button").click()
    expect(member.get_by_test_id("checkin-state")).to_contain_text("2.0")
    assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    record = Attendance.objects.get(activity=activity)
    assert (record.member, record.method, record.hours) == (world.a_member, "qr", Decimal("2.0"))

    # Scanning again says so and records nothing more.
    member.goto(link)
    expect(member.get_by_test_id("checkin-state")).to_be_visible()
    expect(member.get_by_test_id("checkin-button")).to_have_count(0)
    assert Attendance.objects.filter(activity=activity).count() == 1

    # The member's own page lists it with the hours.
    member.goto(f"{base}/activities/mine/")
    expect(member.get_by_text("垃圾分类宣传").first).to_be_visible()
    phone.close()

    # The secretary's screen counts the check-in.
    page.reload()
    expect(page.get_by_test_id("checked-in-count")).to_have_text("1")
