"""Early warning (走街串户, 抓早抓小): a member on a phone records a visit to a shop that raises a
matter; the secretary flags it as a risk of a petition (上访苗头), and closes it as mediated
on the spot by a small-business member; the district's dashboard counts it."""

import os

import pytest
from playwright.sync_api import expect

from meetings.models import Matter, Visit
from tests.browser.pickers import pick
from tests.factories import MemberFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def test_a_members_visit_raises_a_matter_the_secretary_flags_and_closes_on_the_spot(
    browser, live_server, world
):
    base = live_server.url
    mediator = MemberFactory(committee=world.a, branch=world.a_branch, name="李建华",
                             category="small_business")

    # The member, on a phone, from their page: record the visit and the matter it raises.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, base, "member")
    phone.get_by_test_id("record-visit").click()
    phone.locator("input[name='place_kind'][value='shop']").check()
    phone.locator("#id_address").fill("解放路112号 鑫源五金店")
    phone.locator("#id_heard").fill("店主占道摆货，与楼上住户争执，住户扬言要去上访")
    phone.locator("#id_raise_matter").check()
    phone.locator("#id_matter_title").fill("商铺占道经营纠纷")
    # the form fits the phone: nothing to scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_test_id("visit-heard")).to_contain_text("店主占道摆货")
    visit = Visit.objects.get(committee=world.a)
    assert list(visit.visitors.all()) == [world.a_member]
    matter = Matter.objects.get(visit=visit)
    assert (matter.raised_by_member, matter.risk_flag, matter.status) == (
        world.a_member, False, "open")
    expect(phone.get_by_test_id("visit-matter")).to_contain_text("商铺占道经营纠纷")

    # The secretary sees it, flags the risk: it comes first on the committee's matters.
    office = browser.new_context().new_page()
    sign_in(office, base, "secretary_a")
    office.goto(f"{base}/committees/{world.a.pk}/matters/")
    office.get_by_test_id("matter-row").filter(has_text="商铺占道经营纠纷").click()
    office.get_by_test_id("matter-flag-button").click()
    expect(office.get_by_test_id("matter-flag")).to_be_visible()
    assert Matter.objects.get(pk=matter.pk).risk_flag
    office.goto(f"{base}/committees/{world.a.pk}/matters/")
    expect(office.get_by_test_id("matter-row").first).to_contain_text("商铺占道经营纠纷")

    # The district sees one open matter at risk.
    district = browser.new_context().new_page()
    sign_in(district, base, "officer")
    district.goto(f"{base}/districts/{world.district.pk}/")
    expect(district.get_by_test_id("fig-flagged")).to_have_text("1")
    expect(district.get_by_test_id("fig-grass-roots")).to_have_text("—")

    # Closed as mediated on the spot by the small-business member.
    office.goto(f"{base}/matters/{matter.pk}/")
    office.get_by_test_id("matter-mediated").click()
    pick(office, "mediator", "李建华")
    office.locator("#id_decision").fill("商户党员第一时间到场劝解，货物当场移回店内")
    office.get_by_role("button", name="保存").click()
    expect(office.get_by_test_id("matter-mediator")).to_have_text("李建华")
    expect(office.get_by_test_id("matter-status")).to_be_visible()
    matter.refresh_from_db()
    assert (matter.status, matter.outcome, matter.mediator) == (
        "resolved", "on_the_spot", mediator)

    # The dashboard counts it: settled at the grass roots, mediated on the spot, none at risk.
    district.reload()
    expect(district.get_by_test_id("fig-grass-roots")).to_have_text("100%")
    expect(district.get_by_test_id("fig-flagged")).to_have_text("0")

    # The member still reads what became of what they heard.
    phone.goto(f"{base}/matters/{matter.pk}/")
    expect(phone.get_by_test_id("matter-outcome")).to_be_visible()
    expect(phone.get_by_test_id("matter-mediator")).to_have_text("李建华")
