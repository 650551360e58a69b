"""A secretary holds the monthly meeting: plans it, records who came, deliberates a matter on
its agenda, writes and signs off the minutes; the compliance calendar then shows the month held."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Matter, Meeting

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_holds_the_monthly_meeting_and_the_month_turns_green(
    page, live_server, world
):
    base = live_server.url
    today = timezone.localdate()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("secretary_a")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()

    # Before: this month's monthly meeting is not held.
    page.goto(f"{base}/committees/{world.a.pk}/compliance/")
    monthly = page.locator("tr[data-kind='monthly']")
    expect(monthly.locator(f"td[data-month='{today.month}']")).not_to_have_attribute(
        "data-state", "held")

    # A matter raised by a resident.
    page.goto(f"{base}/committees/{world.a.pk}/matters/new/")
    page.locator("#id_title").fill("楼道堆物引发邻里纠纷")
    page.locator("#id_kind").select_option(value="dispute")
    page.locator("#id_raised_by_name").fill("居民王女士")
    page.locator("#id_description").fill("3号楼两户因楼道堆物发生争执")
    page.locator("#id_raised_on").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()
    matter = Matter.objects.get(committee=world.a, title="楼道堆物引发邻里纠纷")
    assert matter.status == "open"

    # The monthly meeting, which began an hour ago (or at midnight, in this month's first hour).
    page.goto(f"{base}/committees/{world.a.pk}/meetings/new/")
    page.locator("#id_kind").select_option(value="monthly")
    now = timezone.localtime()
    starts = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("学苑党群服务中心")
    page.locator("#id_chair").fill("王建国")
    page.get_by_role("button", name="保存").click()
    meeting = Meeting.objects.get(committee=world.a, kind="monthly")
    expect(page.get_by_test_id("meeting-actions")).to_be_visible()

    # Attendance: the seat holder came.
    page.goto(f"{base}/meetings/{meeting.pk}/attendance/")
    for select in page.locator("select[name^='status_']").all():
        select.select_option(value="present")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("attendance-summary")).to_be_visible()
    assert meeting.attendances.filter(status="present", member=world.a_member).exists()

    # The matter on the agenda, then the minutes.
    page.goto(f"{base}/meetings/{meeting.pk}/agenda/new/")
    page.locator("#id_title").fill("一事一议：楼道堆物")
    page.locator("#id_matter").select_option(value=str(matter.pk))
    page.locator("#id_decision").fill("网格员牵头，三日内清理")
    page.get_by_role("button", name="保存").click()
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.get_by_test_id("minutes-button").click()
    page.locator("#id_minutes").fill("书记主持，议定楼道堆物事项，现场调解。")
    page.locator("#id_decisions").fill("三日内清理楼道")
    page.get_by_role("button", name="保存").click()
    matter.refresh_from_db()
    assert matter.status == "deliberated"

    # Sign-off: the minutes become read-only.
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.get_by_test_id("sign-off-button").click()
    page.get_by_test_id("confirm-sign-off").click()
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("只读")
    meeting.refresh_from_db()
    assert meeting.status == "signed_off"
    expect(page.get_by_test_id("minutes-button")).to_have_count(0)

    # The compliance calendar: this month's monthly meeting is held.
    page.goto(f"{base}/committees/{world.a.pk}/compliance/")
    expect(page.locator("tr[data-kind='monthly']").locator(
        f"td[data-month='{today.month}']")).to_have_attribute("data-state", "held")
