"""The district officer opens the dashboard, sees its charts drawn (under the CSP), changes the
period, sorts the committees and follows a figure to the records behind it."""

import os
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from activities.models import Funding
from tests.factories import ActivityFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_officer_reads_the_dashboard_changes_the_period_sorts_and_follows_a_figure(
    page, live_server, world
):
    held = ActivityFactory(committee=world.b, status="held",
                           starts_at=datetime(2025, 5, 10, 9, tzinfo=SHANGHAI),
                           ends_at=datetime(2025, 5, 10, 11, tzinfo=SHANGHAI))
    Funding.objects.create(committee=world.b, activity=held, source="community", donor="社区",
                           amount=Decimal("800"), state="received", date=held.starts_at.date())
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()

    page.goto(f"{base}/districts/{world.district.pk}/")
    expect(page.locator("[data-testid=chart-activities] canvas")).to_be_visible()
    expect(page.locator("[data-testid=chart-money] canvas")).to_be_visible()

    # May 2025, by the period form
    form = page.locator("form[aria-label]").filter(has=page.locator("#period-kind"))
    page.locator("#period-kind").select_option("month")
    page.locator("#period-year").fill("2025")
    page.locator("#period-month").select_option("5")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?period=month&year=2025&month=5&"))
    expect(page.get_by_test_id("fig-activities")).to_have_text("1")
    expect(page.get_by_test_id("fig-money")).to_have_text("¥800.00")

    # sort by money, largest first: 御沁园社区 before 学苑社区
    page.locator("a[data-sort=money]").click()
    expect(page).to_have_url(f"{base}/districts/{world.district.pk}/"
                             "?period=month&year=2025&month=5&sort=-money#comparison")
    rows = page.locator("[data-testid=comparison] tbody tr")
    expect(rows.first.locator("th")).to_have_text("御沁园社区")

    # the money links to the committee's funding page
    rows.first.locator(f"a[href='/committees/{world.b.pk}/funding/']").click()
    expect(page).to_have_url(f"{base}/committees/{world.b.pk}/funding/")
    assert not [p for p in problems if "Content Security Policy" in p], problems
