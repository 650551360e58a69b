"""For older members (issue 14): every persona's main pages pass axe-core's WCAG 2.2 AA rules
(no serious or critical violation); on a phone, buttons, fields, navigation links and page
links are at least 44 × 44 CSS px; with the text at 200% nothing is cut off, the page does
not scroll sideways and the navigation folds into its menu button.

axe-core is vendored under ``tests/browser/vendor/axe-core/`` (a test tool, never served). It
is evaluated in the page through the DevTools protocol, which the site's CSP does not govern.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.attendance import activity_qr_token
from members.corrections import correction_request
from notices.services import notice_send
from tests.factories import (
    ActivityFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    UserFactory,
    grant,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
MIN_TARGET = 44  # CSS px, the rule for touch targets (WCAG 2.5.5 AAA; 2.5.8 asks 24)


# --- the scene: the conftest world plus what the main pages show ------------------------------

@pytest.fixture
def scene(world):
    w = world
    w.activity = ActivityFactory(committee=w.a, title="重阳节敬老志愿服务")
    w.meeting = MeetingFactory(committee=w.a, place="学苑党群服务中心", chair="王建国")
    # One more than a page of matters, so the list shows its page links.
    w.matters = MatterFactory.create_batch(21, committee=w.a)
    # A correction waiting (issue 15): its list on the secretary's side, the entry it logs.
    w.correction = correction_request(member=w.a_member, user=w.member_user, field="address",
                       proposed_value="学苑小区3号楼3单元", note="搬家了")
    MemberFactory.create_batch(3, committee=w.a, branch=w.a_retirees, category="retired")
    w.liaison = UserFactory(username="liaison")
    grant(w.liaison, "unit_liaison", w.unit)
    w.notice = notice_send(
        user=w.officer, district=w.district, title="关于开展重阳节活动的通知",
        text="请各社区于月底前报送活动安排。", due_on=timezone.localdate() + timedelta(days=7),
        reply_required=True, recipients=[w.a, w.b],
    )
    return w


def main_pages(persona: str, w) -> list[tuple[str, str]]:
    """The pages each persona reaches from the navigation bar and their landing page."""
    a = w.a.pk
    common = [
        ("landing", reverse("overview:home")),
        ("activities", reverse("activities:activity-list")),
        ("notifications", reverse("core:notification-list")),
    ]
    activity = [("activity", reverse("activities:activity-detail", args=[w.activity.pk]))]
    committee_side = [
        ("committee", reverse("overview:committee-detail", args=[a])),
        ("roster", reverse("members:committee-roster", args=[a])),
        ("member", reverse("members:member-detail", args=[w.a_member.pk])),
        ("meeting", reverse("meetings:meeting-detail", args=[w.meeting.pk])),
        ("matters", reverse("meetings:matter-list", args=[a])),
        ("matter form", reverse("meetings:matter-create", args=[a])),
        ("notice", reverse("notices:notice-detail", args=[w.notice.pk])),
    ]
    return {
        "anonymous": [
            ("sign-in", reverse("login")),
            ("sign-up", reverse("members:signup")),
            ("password reset", reverse("password_reset")),
        ],
        "officer": common + activity + [
            ("district", reverse("overview:district-detail", args=[w.district.pk])),
            ("committees", reverse("overview:district-committees", args=[w.district.pk])),
            ("compliance", reverse("meetings:district-compliance", args=[w.district.pk])),
            ("notices", reverse("notices:notice-list")),
            ("access log", reverse("overview:district-access-log", args=[w.district.pk])),
            ("two-step sign-in", reverse("core:two-factor")),
        ] + committee_side[:2],
        "secretary_a": common + activity + committee_side + [
            ("compliance", reverse("meetings:committee-compliance", args=[a])),
            ("member form", reverse("members:member-create", args=[a])),
            ("corrections", reverse("members:correction-list", args=[a])),
            ("correction", reverse("members:correction-decide", args=[w.correction.pk])),
        ],
        "branch_secretary": common + activity + [
            ("branch", reverse("branches:branch-detail", args=[w.a_branch.pk])),
            ("branch roster", reverse("members:branch-roster", args=[w.a_branch.pk])),
            ("member", reverse("members:member-detail", args=[w.a_member.pk])),
        ],
        "member": common + activity + [
            ("my page", reverse("members:me")),
            ("my activities", reverse("activities:my-activities")),
            ("password", reverse("password_change")),
            ("ask a correction", reverse("members:correction-create")),
            # where the activity's QR code leads: a page of its own, not base.html's
            ("scan", reverse("activities:qr-checkin", args=[activity_qr_token(w.activity)])),
        ],
        "liaison": common + [
            ("unit", reverse("units:unit-detail", args=[w.unit.pk])),
        ],
    }[persona]


def pages_named(persona, w, *names) -> list[tuple[str, str]]:
    pages = dict(main_pages(persona, w))
    return [(name, pages[name]) for name in names]


def new_page(browser, viewport):
    """A page in a fresh context (a phone's when the viewport is the phone's)."""
    phone = viewport == PHONE
    page = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}{reverse('login')}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests-only")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_page(page, base, path):
    response = page.goto(f"{base}{path}")
    assert response.status == 200, f"{path} answered {response.status}"


# --- axe ---------------------------------------------------------------------------------------

def axe_violations(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]


def report(found: dict) -> str:
    """One paragraph per rule: what it asks, then each offending element once, with the pages
    it was found on and axe's summary of how to fix it."""
    lines = []
    for (rule, impact, help_text, url), nodes in found.items():
        lines.append(f"[{impact}] {rule}: {help_text} ({url.split('?')[0]})")
        for target, (summary, pages) in nodes.items():
            lines.append(f"  {target}  on {', '.join(pages)}")
            lines.append("      " + " ".join(summary.split()))
    return "\n".join(lines)


def collect(found: dict, page_name: str, violations: list[dict]) -> None:
    for v in violations:
        nodes = found.setdefault((v["id"], v["impact"], v["help"], v["helpUrl"]), {})
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            nodes.setdefault(target, (node["failureSummary"], []))[1].append(page_name)


@pytest.mark.parametrize(
    "persona", ["anonymous", "officer", "secretary_a", "branch_secretary", "member", "liaison"])
def test_each_personas_main_pages_have_no_serious_axe_violations(
    browser, live_server, scene, persona
):
    page = new_page(browser, DESKTOP)
    base = live_server.url
    if persona != "anonymous":
        sign_in(page, base, persona)
    found = {}
    for name, path in main_pages(persona, scene):
        open_page(page, base, path)
        collect(found, f"{name} ({path})", axe_violations(page))
    page.context.close()
    assert not found, "axe found serious or critical violations:\n" + report(found)


# --- touch targets on a phone ------------------------------------------------------------------

# Buttons, fields, navigation and page links, and links that stand alone (a breadcrumb, a name
# or a figure in a table cell). A box or a radio button counts with its label (tapping the label
# ticks it). Links inside running text are exempt (WCAG 2.5.8) and not measured.
TARGETS_JS = r"""min => {
  const selector = 'button, .btn, input:not([type=hidden]), select, textarea, .nav-link,'
                 + ' .navbar-brand, .page-link, [role=button], .breadcrumb-item a,'
                 + ' .list-group-item-action, td a, th a';
  const rectOf = el => {
    // A picker's typing field is tapped anywhere in its box (Tom Select's .ts-control).
    const control = el.tagName === 'INPUT' && el.closest('.ts-control');
    let r = (control || el).getBoundingClientRect();
    const label = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0];
    if (label) {
      const l = label.getBoundingClientRect();
      const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
      r = {left, top, width: Math.max(r.right, l.right) - left,
           height: Math.max(r.bottom, l.bottom) - top};
    }
    return r;
  };
  const shown = el => {
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden'
      && !el.closest('.visually-hidden, .visually-hidden-focusable, [hidden]')
      && !el.classList.contains('ts-hidden-accessible');  // the select a picker replaced
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    const r = rectOf(el);
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
      const name = (field ? el.name : el.innerText || el.getAttribute('aria-label') || '')
        .trim().replace(/\s+/g, ' ').slice(0, 30);
      const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                   + (el.className && typeof el.className === 'string'
                      ? '.' + el.className.trim().split(/\s+/).join('.') : '');
      small.push(`${what} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def small_targets(page) -> list[str]:
    return page.evaluate(TARGETS_JS, MIN_TARGET)


def test_buttons_fields_and_links_are_44_px_on_a_phone(browser, live_server, scene):
    w = scene
    page = new_page(browser, PHONE)
    base = live_server.url
    found = []

    def measure(name):
        found.extend(f"{name}: {t}" for t in small_targets(page))

    for name, path in pages_named("anonymous", w, "sign-in", "sign-up"):
        open_page(page, base, path)
        measure(name)
    sign_in(page, base, "secretary_a")
    for name, path in main_pages("secretary_a", w):
        open_page(page, base, path)
        measure(name)
    # The page links (21 matters, 20 a page) and the navigation's links, the menu open.
    open_page(page, base, reverse("meetings:matter-list", args=[w.a.pk]))
    assert page.locator(".page-link").count() >= 2
    page.get_by_role("button", name="菜单").click()
    page.locator("#nav-main.show").wait_for()
    measure("menu")
    sign_in(page, base, "officer")
    for name, path in pages_named("officer", w, "district", "committees", "compliance",
                                   "access log"):
        open_page(page, base, path)
        measure(name)
    sign_in(page, base, "member")
    for name, path in pages_named("member", w, "landing", "my page", "activity",
                                   "ask a correction"):
        open_page(page, base, path)
        measure(name)
    page.context.close()
    assert not found, f"targets smaller than {MIN_TARGET} × {MIN_TARGET} px:\n" + "\n".join(
        found)


# --- text at 200% ------------------------------------------------------------------------------

# The root font at 200%, which is what a reader's larger text setting does to a page sized in
# rem (Bootstrap's and ours). Then the page must not scroll sideways, no box may cut its text
# off or spill it over its neighbours (content larger than a box that does not scroll), and no
# drop-down may cut off its chosen value.
LARGE_TEXT_JS = "document.documentElement.style.fontSize = '200%'"
TEXT_JS = r"""() => {
  const problems = [];
  const html = document.documentElement;
  if (html.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways: ${html.scrollWidth} px wide in ${window.innerWidth}`);
  }
  const scrolls = v => v === 'auto' || v === 'scroll';
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const measure = document.createElement('canvas').getContext('2d');
  const skip = '.visually-hidden, .visually-hidden-focusable, .collapse:not(.show), svg, script';
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (el.closest(skip) || style.display === 'inline' || !el.getClientRects().length) continue;
    if (el.tagName === 'SELECT') {
      const chosen = el.selectedOptions.length ? el.selectedOptions[0].text : '';
      measure.font = style.font;
      const room = el.clientWidth - parseFloat(style.paddingLeft)
                   - parseFloat(style.paddingRight);
      if (measure.measureText(chosen).width > room + 1) {
        problems.push(`${describe(el)} cuts off "${chosen}" (${Math.round(room)} px of room)`);
      }
      continue;
    }
    if (!Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const tall = el.scrollHeight > el.clientHeight + 1 && !scrolls(style.overflowY);
    const wide = el.scrollWidth > el.clientWidth + 1 && !scrolls(style.overflowX);
    if (tall || wide) {
      problems.push(`${describe(el)} "${el.innerText.trim().slice(0, 30)}" shows `
        + `${el.clientWidth}×${el.clientHeight} of ${el.scrollWidth}×${el.scrollHeight}`);
    }
  }
  return problems;
}"""


def text_problems(page) -> list[str]:
    page.evaluate(LARGE_TEXT_JS)
    return page.evaluate(TEXT_JS)


def nav_links_off_screen(page, width) -> list[str]:
    """The menu's links that are hidden or stick out of the screen (the menu open if folded)."""
    toggler = page.get_by_role("button", name="菜单")
    if toggler.is_visible():
        toggler.click()
        page.locator("#nav-main.show").wait_for()
    links = page.locator("#nav-main .nav-link").all()
    assert len(links) >= 3
    off = []
    for link in links:
        box = link.bounding_box()
        if not link.is_visible() or box["x"] < 0 or box["x"] + box["width"] > width:
            off.append(f"{link.inner_text()} at {box}")
    return off


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_text_at_200_percent_loses_nothing(browser, live_server, scene, viewport):
    w = scene
    page = new_page(browser, viewport)
    base = live_server.url
    found = []
    for name, path in pages_named("anonymous", w, "sign-in", "sign-up"):
        open_page(page, base, path)
        found += [f"{name}: {p}" for p in text_problems(page)]
    sign_in(page, base, "secretary_a")
    for name, path in main_pages("secretary_a", w):
        open_page(page, base, path)
        found += [f"{name}: {p}" for p in text_problems(page)]
    sign_in(page, base, "officer")
    for name, path in pages_named("officer", w, "district", "committees", "compliance"):
        open_page(page, base, path)
        found += [f"{name}: {p}" for p in text_problems(page)]
    sign_in(page, base, "member")
    for name, path in pages_named("member", w, "landing", "my page", "my activities"):
        open_page(page, base, path)
        found += [f"{name}: {p}" for p in text_problems(page)]
    assert not found, "with text at 200%:\n" + "\n".join(found)

    # The navigation bar folds into its menu button when its links no longer fit on one line,
    # at 200% on a desktop too; opened, the menu shows every link on the screen.
    open_page(page, base, reverse("overview:home"))
    menu_button = page.get_by_role("button", name="菜单")
    if viewport == DESKTOP:
        assert not menu_button.is_visible()
        assert nav_links_off_screen(page, viewport["width"]) == []
    page.evaluate(LARGE_TEXT_JS)
    assert menu_button.is_visible()
    assert nav_links_off_screen(page, viewport["width"]) == []
    page.context.close()
