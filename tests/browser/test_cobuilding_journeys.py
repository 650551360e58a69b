"""A secretary records a co-building agreement, adds a need, matches it with a unit's resource
and sees the project; the committee page then ranks the unit among its partners."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pickers import pick
from units.models import Agreement, Need, Project, Resource

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_records_an_agreement_and_matches_a_need_with_a_units_resource(
    page, live_server, world
):
    today = timezone.localdate()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("secretary_a")
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()

    # The agreement, from the committee page.
    page.goto(f"{live_server.url}{world.a.get_absolute_url()}")
    page.get_by_role("link", name="新建共建协议").first.click()
    pick(page, "unit", world.unit.name)
    page.locator("#id_status").select_option(value="in_force")
    page.locator("#id_signed_on").fill(f"{today.year}-01-05")
    page.locator("#id_starts_on").fill(f"{today.year}-01-05")
    page.locator("#id_ends_on").fill(f"{today.year + 2}-01-04")
    page.locator("#id_committee_commits").fill("开放党群服务中心，组织在职党员报到服务")
    page.locator("#id_unit_commits").fill("每季度派志愿者进社区")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.unit.name)
    assert Agreement.objects.get(committee=world.a).status == "in_force"

    # The unit's resource on offer (the secretary records it with the unit).
    page.goto(f"{live_server.url}/committees/{world.a.pk}/resources/")
    page.get_by_role("link", name="登记资源").first.click()
    pick(page, "unit", world.unit.name)
    page.locator("#id_kind").select_option(value="volunteers")
    page.locator("#id_description").fill("医护志愿者义诊")
    page.locator("#id_quantity").fill("10 名")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("医护志愿者义诊")).to_be_visible()

    # The need, then matching on its page.
    page.goto(f"{live_server.url}/committees/{world.a.pk}/needs/")
    page.get_by_role("link", name="新增需求").first.click()
    page.locator("#id_title").fill("老年人义诊志愿者")
    page.locator("#id_kind").select_option(value="volunteers")
    page.get_by_role("button", name="保存").click()
    need = Need.objects.get(committee=world.a, title="老年人义诊志愿者")
    page.goto(f"{live_server.url}{need.get_absolute_url()}")
    suggestion = page.get_by_test_id("suggestion").filter(has_text="医护志愿者义诊")
    expect(suggestion).to_contain_text("同类")
    suggestion.locator("input[type=checkbox]").check()
    page.get_by_label("负责人").fill("学苑社区党委书记")
    page.get_by_role("button", name="提出项目").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("老年人义诊志愿者")
    expect(page.locator("main")).to_contain_text(world.unit.name)
    project = Project.objects.get(committee=world.a)
    assert list(project.units.all()) == [world.unit]
    assert Resource.objects.get(description="医护志愿者义诊").status == "committed"
    need.refresh_from_db()
    assert need.status == "matched"

    page.goto(f"{live_server.url}{world.a.get_absolute_url()}")
    expect(page.get_by_test_id("partner").first).to_contain_text(world.unit.name)
