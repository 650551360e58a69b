"""A member on a phone: signs up, is approved, checks in by the QR link; the secretary confirms."""

import os

import pytest
from playwright.sync_api import Page, expect
from stdnum.cn import ric

from members.checkins import poster_token
from members.models import CheckIn, CheckInStatus, Member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
BODY = "14080219880808121"
ID_NUMBER = BODY + ric.calc_check_digit(BODY + "0")


def test_a_member_signs_up_on_a_phone_checks_in_and_the_secretary_confirms(
    browser, live_server, world
):
    member = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    member.set_default_timeout(10_000)
    member.goto(f"{live_server.url}/accounts/login/")
    member.get_by_role("link", name="立即注册").click()
    member.get_by_label("姓名").fill("陈春燕")
    member.get_by_label("身份证号").fill(ID_NUMBER.lower())
    member.get_by_label("手机号").fill("+86 139-0000-2222")
    member.locator("#id_password1").fill("盐湖区-2026-党员")
    member.locator("#id_password2").fill("盐湖区-2026-党员")
    member.get_by_label("您居住的社区").select_option(label=world.a.name)
    member.get_by_label("党员类别").select_option(value="in_service")
    member.get_by_label("组织关系所在").fill("运城市直机关工委")
    member.get_by_role("button", name="提交").click()
    expect(member.get_by_test_id("signup-state")).to_contain_text("等待")
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    secretary = browser.new_context().new_page()
    secretary.set_default_timeout(10_000)
    _sign_in(secretary, live_server.url, "secretary_a")
    secretary.goto(f"{live_server.url}/committees/{world.a.pk}/checkins/")
    row = secretary.get_by_test_id("pending-signup").filter(has_text="陈春燕")
    expect(row).not_to_contain_text(ID_NUMBER)  # masked
    row.get_by_role("button", name="通过").click()
    expect(secretary.get_by_role("status").or_(secretary.get_by_role("alert"))).to_contain_text(
        "陈春燕"
    )

    # The member scans the committee's poster: the QR code holds this link.
    member.goto(f"{live_server.url}/checkin/{poster_token(world.a)}/")
    member.get_by_role("button", name="报到").click()
    expect(member.get_by_test_id("checkin-state")).to_contain_text("等待")

    secretary.reload()
    secretary.get_by_test_id("pending-checkin").filter(has_text="陈春燕").get_by_role(
        "button", name="确认"
    ).click()
    member.reload()
    expect(member.get_by_test_id("checkin-state")).to_contain_text("已在")

    person = Member.objects.get(id_number=ID_NUMBER)
    assert person.mobile == "13900002222"
    assert CheckIn.objects.get(member=person).status == CheckInStatus.CONFIRMED


def _sign_in(page: Page, base_url: str, username: str):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()


def test_a_secretary_imports_a_roster_previews_it_and_confirms(page, live_server, world, tmp_path):
    from tests.members.test_import import csv_bytes, good_rows, row

    path = tmp_path / "学苑名册.csv"
    # One good file first with a bad row: the preview lists it and nothing is written.
    bad = good_rows(world) + [row(姓名="钱某", 身份证号="140802", 党员类别="社区居民")]
    path.write_bytes(csv_bytes(bad))
    _sign_in(page, live_server.url, "secretary_a")
    page.goto(f"{live_server.url}/committees/{world.a.pk}/members/")
    page.get_by_role("link", name="从 Excel 导入").click()
    page.get_by_label("名册文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("alert")).to_contain_text("1 行需要改正")
    expect(page.get_by_role("table", name="需改正的行")).to_contain_text("身份证号")
    assert not Member.objects.filter(name="王建国").exists()

    path.write_bytes(csv_bytes(good_rows(world)))
    page.get_by_role("link", name="上传改正后的文件").click()
    page.get_by_label("名册文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("新增 3 人")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("王建国")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status").first).to_contain_text("新增党员 3 人")
    page.get_by_role("link", name="查看名册").click()
    expect(page.get_by_role("link", name="王建国")).to_be_visible()
    imported = Member.objects.filter(committee=world.a, name__in=["王建国", "李在职", "赵小个"])
    assert imported.count() == 3


def test_a_row_with_four_problems_is_reported_at_once_and_fixed_through_the_downloaded_file(
    page, live_server, world, tmp_path
):
    """A secretary uploads a roster where one row has four bad cells: the preview lists all
    four (beside the good rows), the file to correct names them; corrected, it imports whole."""
    import io

    import openpyxl
    from openpyxl.utils import get_column_letter

    from members.roster_columns import HEADERS
    from tests.members.test_import import good_rows, xlsx_bytes
    from tests.members.test_import_problems import _bad_id, four_problems, the_fix

    path = tmp_path / "学苑名册.xlsx"
    path.write_bytes(xlsx_bytes([*good_rows(world), four_problems(world)]))
    _sign_in(page, live_server.url, "secretary_a")
    page.set_viewport_size(PHONE)  # a secretary's phone: the tables scroll, the page does not
    page.goto(f"{live_server.url}/committees/{world.a.pk}/members/import/")
    page.get_by_label("名册文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()

    expect(page.get_by_role("alert")).to_contain_text("1 行需要改正")
    bad = page.get_by_role("table", name="需改正的行").get_by_role("row").filter(has_text="钱四错")
    for column in ["身份证号", "手机号", "入党日期", "党员类别"]:
        expect(bad).to_contain_text(f"「{column}」")
    expect(bad).not_to_contain_text(_bad_id(61))  # masked
    expect(page.get_by_test_id("rows-to-add")).to_contain_text("王建国")  # the good rows too
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载需更正的行 (.xlsx)").click()
    assert download.value.suggested_filename == "学苑名册-需更正的行.xlsx"
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    workbook = openpyxl.load_workbook(downloaded)
    sheet = workbook.worksheets[0]
    problems = [c.value for c in sheet[get_column_letter(len(HEADERS) + 1)]]  # the last column
    assert problems[0] == "问题" and problems[4].count("「") == 4  # row 5: four problems
    for header, value in the_fix(world).items():  # corrected as the problems say
        sheet.cell(5, 1 + HEADERS.index(header)).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    corrected = tmp_path / "学苑名册-已改正.xlsx"
    corrected.write_bytes(buffer.getvalue())

    page.get_by_role("link", name="上传改正后的文件").click()
    page.get_by_label("名册文件").set_input_files(str(corrected))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("新增 4 人")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status").first).to_contain_text("新增党员 4 人")
    page.get_by_role("link", name="查看名册").click()
    for name in ["王建国", "李在职", "赵小个", "钱四错"]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    fixed = Member.objects.get(committee=world.a, name="钱四错")
    assert (fixed.mobile, fixed.category) == ("13800006161", "resident")
