"""The district's officer sends a notice asking for a reply; committee A's secretary finds it
on the committee's page on a phone, signs it off and replies with a file; the officer sees who
signed and replied."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notices.models import Notice
from tests import files

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def test_a_notice_goes_down_and_the_report_comes_up(browser, live_server, world, tmp_path,
                                                    settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    office = browser.new_context()
    officer = office.new_page()
    sign_in(officer, base, "officer")
    officer.goto(f"{base}/notices/")
    officer.get_by_test_id("new-district-notice").click()
    officer.locator("#id_title").fill("关于报送党员信息的通知")
    officer.locator("#id_text").fill("请于周五前报送本社区党员信息。")
    officer.locator(f"input[name='recipients'][value='{world.b.pk}']").uncheck()
    officer.locator("#id_due_on").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    officer.locator("#id_reply_required").check()
    officer.get_by_test_id("submit").click()
    notice = Notice.objects.get()
    expect(officer.get_by_test_id("status-row")).to_have_count(1)

    mobile = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = mobile.new_page()
    sign_in(phone, base, "secretary_a")
    phone.goto(f"{base}/committees/{world.a.pk}/")
    phone.get_by_test_id("waiting-notice").click()
    expect(phone.get_by_test_id("notice-text")).to_contain_text("请于周五前报送")
    phone.get_by_test_id("sign").click()
    expect(phone.get_by_test_id("signed")).to_be_visible()
    report = tmp_path / "党员信息.pdf"
    report.write_bytes(files.pdf_bytes())
    phone.locator("#id_text").fill("已报送，共 32 名党员。")
    phone.locator("#id_files").set_input_files(str(report))
    phone.get_by_test_id("send-reply").click()
    expect(phone.get_by_test_id("my-reply")).to_contain_text("共 32 名党员")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    officer.goto(f"{base}{notice.get_absolute_url()}")
    row = officer.get_by_test_id("status-row")
    expect(row).to_contain_text("共 32 名党员")
    expect(row).to_contain_text("党员信息.pdf")
    expect(officer.get_by_test_id("counts")).to_contain_text("1")
    mobile.close()
    office.close()
