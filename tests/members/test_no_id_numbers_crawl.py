"""No full ID number on any page or export a signed-in user reaches by GET, found by crawling;
and no page offers a link that answers 400, 403, 404 or a server error (issue 14: "offer
nothing forbidden").

The personas: the anonymous visitor, the district officer, A's and B's secretaries, A's branch
secretary, a member of A and the liaison of a resident unit (``PERSONAS``). Each signs in
(``force_login``: django-axes is installed) and a breadth-first crawler starts at the home
page (and a few seeds) and follows every same-site link (``href``, a redirect's ``Location``,
and each option of a GET filter form such as the roster's) up to ``MAX_URLS``; the calendar's
months, the dashboard's sort orders, the summary's periods and the years before last are not
followed (each would multiply the pages without new links). Every response
body is searched for an 18-character ID number (``ID_RE``): HTML and other text as decoded,
an .xlsx workbook part by part (every XML part of the zip). Failures name the URL, the part
and the position and show the number masked: the full number is never printed.

The crawler sends GET only; views that change anything require POST (``require_POST``,
``core.pages.form_page``, ``delete_page``), so the delete confirmations are crawled too. The
POST-only endpoints, logout, the admin, i18n and static files are skipped.

Who may see a full number by GET, decided from the code:

* committee and branch secretaries: nowhere (``core.scope.can_see_full_id_number``);
* the district officer: in the roster export (``members.exports``: "full ID numbers: district
  officers") and in the member's edit form (``members.views.member_update`` keeps the ID
  field, prefilled, for whoever may see it in full, and logs that view like a reveal). Everywhere
  else the officer gets the masked number and reveals it by POST (audit-logged). So for the
  officer those two places are checked to hold only numbers of the district's members (resp.
  of that member), and the export is asserted to hold them (positive control on a real xlsx);
* the member: their own number in the export of their own row (``members.exports``) and in
  the file of their own data (``members.own_data``, ``/me/data.xlsx``), nothing else; the
  member page shows it masked until the POST reveal;
* an import's uploader (and the district officer): in the import's file of rows to correct
  (``members.import_services.may_download_corrections``), exactly the numbers that upload
  held, typed by the uploader. So it is checked to hold those and no other.
* the liaison and the visitor: nowhere, and no member's page or masked number either.

So that the test cannot pass vacuously, each persona must have reached the pages that matter
(the roster, a member page showing the masked number, the export with masked numbers, the
check-in and sign-up queue, the import preview; for the liaison the unit's page, agreement and
lists), and the pattern and the xlsx scan are checked against a known number first.
"""

import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from branches.models import Branch, BranchKind, CommitteeMembership
from core.xlsx import XLSX_CONTENT_TYPE
from members import import_services
from members.models import (
    Appraisal,
    Category,
    CheckIn,
    Commitment,
    ImportStatus,
    Member,
    Rating,
    SignUp,
    Status,
)
from members.roster_columns import HEADERS
from members.validators import mask_id_number
from tests.conftest import persona_client
from tests.factories import CommitteeFactory, MemberFactory, UnitFactory, UserFactory
from units.models import Agreement, AgreementStatus, Need, Project, Resource

ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")

MAX_URLS = 800  # the officer reaches ~550 (activities, teams and their filters included)
HOST = "testserver"
SKIP_PREFIXES = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/")
# POST-only endpoints (a GET is a 405 anyway) and anything else that names an action.
STATE_CHANGING = re.compile(r"/(logout|id-number|confirm|discard|approve|return|me/checkin)/?$")
EXPORT_PATH = re.compile(r"^/committees/(\d+)/members/export/$")
# A calendar's previous / next links never end: crawl this month's page, not every month.
CALENDAR_MONTH = re.compile(r"/activities/calendar/\?(.*&)?month=")
# The dashboard's comparison sorts the same rows by each column: crawl it, and its Excel, in
# one order (by name).
DASHBOARD_SORT = re.compile(r"^/districts/\d+/(dashboard\.xlsx)?\?(.*&)?sort=(?!name(&|$))")
# A committee's printable summary has the period's selector (twenty options) on every
# committee: crawl its page for this year, not each period.
SUMMARY_PERIOD = re.compile(r"^/committees/\d+/summary/\?")
# The year selectors (compliance, funding, a unit's ledger) go back to 2000: crawl this year
# and the last, where the data is, not every year of every branch.
YEAR = re.compile(r"(?:^|&)year=(\d{4})(?:&|$)")
MEMBER_EDIT_PATH = re.compile(r"^/members/(\d+)/edit/$")
CORRECTIONS_PATH = re.compile(r"^/imports/(\d+)/corrections/$")
MEMBER_PATH = re.compile(r"^/members/\d+/$")


def valid_id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def mistyped(number: str) -> str:
    """18 digits that look like an ID number but fail the check digit."""
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


# --- the data ------------------------------------------------------------------------------


@dataclass
class IdWorld:
    world: object
    members: list  # every member with an ID number
    ids: dict  # member pk -> full ID number
    signup: object
    signup_id: str
    import_ready: object
    import_ready_id: str
    import_invalid: object
    import_bad_id: str
    liaison: object  # the liaison of world.unit
    agreement: object  # world.unit's agreement with A
    need: object
    project: object
    unit_organisation: object  # world.unit's party organisation


def _csv(rows) -> bytes:
    lines = [",".join(HEADERS)]
    for values in rows:
        lines.append(",".join(values.get(h, "") for h in HEADERS))
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


@pytest.fixture
def id_world(world, liaison):
    """A few more members with ID numbers and mobiles, in A's branches, in B, and one living
    in B's records who asks to check in to A; a pending sign-up to A; a public commitment, an
    appraisal; two roster imports of A (one ready, one with a mistyped ID number). And
    co-building as in the demo's 新象城商业广场: the unit's party organisation, kept by A, a
    member organisation of A and of B; an agreement in force with A, a resource the unit
    offers A, and a project meeting A's need with it. A third committee, C, no persona's but
    the officer's, with a unit of its own whose party organisation it keeps: everyone reads
    the district's units, so their pages name organisations and committees out of reach; and
    a member living in A whose membership is with that organisation."""
    a_member = world.a_member
    a_member.id_number, a_member.mobile = valid_id("14080219800101002"), "13812345678"
    a_member.save()
    members = [
        a_member,
        MemberFactory(
            committee=world.a,
            branch=world.a_branch,
            name="王建国",
            id_number=valid_id("14080219620315001"),
            mobile="13900000001",
        ),
        MemberFactory(
            committee=world.a,
            branch=world.a_branch,
            name="李秀英",
            status=Status.PROBATIONARY,
            id_number=valid_id("14080219950720002"),
            mobile="13900000002",
        ),
        MemberFactory(
            committee=world.a,
            branch=world.a_retirees,
            name="张德明",
            category=Category.RETIRED_CADRE,
            id_number=valid_id("14080219500101003"),
            mobile="13900000003",
        ),
        MemberFactory(
            committee=world.b,
            branch=None,
            outside_organisation="运城市直机关工委",
            name="刘在职",
            category=Category.IN_SERVICE,
            id_number=valid_id("14080219880808004"),
            mobile="13900000004",
        ),
        MemberFactory(
            committee=world.b,
            branch=world.b_branch,
            name="陈御沁",
            id_number=valid_id("14080219700606005"),
            mobile="13900000005",
        ),
    ]
    in_service = members[4]
    CheckIn.objects.create(member=in_service, committee=world.a)  # pending
    signup_id = valid_id("14080219900303123")
    signup = SignUp.objects.create(
        user=UserFactory(username="13900001111"),
        committee=world.a,
        name="李志强",
        id_number=signup_id,
        mobile="13900001111",
        category=Category.IN_SERVICE,
        organisation="运城市直机关工委",
    )
    Commitment.objects.create(
        member=a_member,
        committee=world.a,
        year=timezone.localdate().year,
        text="每月参加一次社区志愿服务",
        public=True,
    )
    Appraisal.objects.create(
        member=members[1], branch=world.a_branch, year=2024, rating=Rating.EXCELLENT
    )

    import_ready_id = valid_id("14080219851111011")
    import_ready = import_services.roster_import_start(
        committee=world.a,
        user=world.secretary_a,
        filename="名册.csv",
        content=_csv(
            [
                {
                    "姓名": "赵新来",
                    "身份证号": import_ready_id,
                    "党员类别": "社区居民",
                    "所在支部": world.a_branch.name,
                    "手机号": "13900000011",
                }
            ]
        ),
    )
    assert import_ready.status == ImportStatus.READY, import_ready.message
    import_bad_id = mistyped(valid_id("14080219851111012"))
    import_invalid = import_services.roster_import_start(
        committee=world.a,
        user=world.secretary_a,
        filename="名册-有误.csv",
        content=_csv(
            [
                {
                    "姓名": "钱有误",
                    "身份证号": import_bad_id,
                    "党员类别": "社区居民",
                    "所在支部": world.a_branch.name,
                }
            ]
        ),
    )
    assert import_invalid.status == ImportStatus.INVALID, import_invalid.status

    unit_organisation = Branch.objects.create(
        committee=world.a, kind=BranchKind.UNIT, unit=world.unit, name="运城市第一医院党委"
    )
    for committee in (world.a, world.b):
        CommitteeMembership.objects.create(
            committee=committee, branch=unit_organisation, joined_on=date(2020, 1, 1)
        )
    agreement = Agreement.objects.create(
        unit=world.unit, committee=world.a, starts_on=date(2025, 1, 1),
        ends_on=date(timezone.localdate().year + 2, 1, 1), signed_on=date(2025, 1, 1),
        status=AgreementStatus.IN_FORCE, committee_commits="开放党群服务中心场地",
        unit_commits="每季度进社区义诊一次",
    )
    need = Need.objects.create(
        committee=world.a, branch=world.a_branch, title="老年人健康讲座", kind="volunteers"
    )
    resource = Resource.objects.create(
        unit=world.unit, committee=world.a, kind="volunteers", description="医护志愿者 10 名"
    )
    project = Project.objects.create(
        committee=world.a, need=need, title="社区义诊", owner="社区党委书记"
    )
    project.resources.add(resource)
    project.units.add(world.unit)
    c = CommitteeFactory(district=world.district, name="潞村社区")
    school = UnitFactory(district=world.district, name="盐湖区实验中学")
    school_organisation = Branch.objects.create(
        committee=c, kind=BranchKind.UNIT, unit=school, name="盐湖区实验中学党总支"
    )
    CommitteeMembership.objects.create(
        committee=c, branch=school_organisation, joined_on=date(2021, 1, 1)
    )
    # A teacher who lives in A, their membership with the school's organisation (kept by C).
    teacher = MemberFactory(
        committee=world.a, branch=school_organisation, name="杨静", category=Category.IN_SERVICE,
        id_number=valid_id("14080219850606006"), mobile="13900000006",
    )
    members.append(teacher)
    return IdWorld(
        world=world,
        members=members,
        ids={m.pk: m.id_number for m in members},
        signup=signup,
        signup_id=signup_id,
        import_ready=import_ready,
        import_ready_id=import_ready_id,
        import_invalid=import_invalid,
        import_bad_id=import_bad_id,
        liaison=liaison,
        agreement=agreement,
        need=need,
        project=project,
        unit_organisation=unit_organisation,
    )


# --- the crawler ---------------------------------------------------------------------------


class _Links(HTMLParser):
    """Every ``href``, and for each GET form one URL per non-empty option of its selects."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.form_urls: list[str] = []
        self._form: tuple[str, bool] | None = None  # (action, is GET)
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = (a.get("action") or "", method == "get")
        elif tag == "select" and self._form and self._form[1]:
            self._select = a.get("name")
        elif tag == "option" and self._form and self._select and a.get("value"):
            query = urlencode({self._select: a["value"]})
            self.form_urls.append(f"{self._form[0].split('?')[0]}?{query}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Hit:
    url: str
    part: str
    position: int
    number: str = field(repr=False)

    def __str__(self):  # never the full number
        return f"{self.url} [{self.part}] at {self.position}: {mask_id_number(self.number)}"


@dataclass
class Crawl:
    status: dict = field(default_factory=dict)  # url -> status code
    content_type: dict = field(default_factory=dict)  # url -> content type
    text: dict = field(default_factory=dict)  # url -> scanned text (all parts joined)
    hits: list = field(default_factory=list)
    truncated: bool = False
    found_on: dict = field(default_factory=dict)  # url -> the first page that linked to it
    # URLs a page offers as a link or a redirect, not only made from a GET form's options
    # (one option alone may answer 400 asking for more: a custom period needs its dates).
    linked: set = field(default_factory=set)

    def ok(self, url):
        return self.status.get(url) == 200

    def paths_ok(self, pattern):
        return [u for u, s in self.status.items() if s == 200 and pattern.match(urlsplit(u).path)]


def _normalise(base: str, href: str) -> str | None:
    """A same-site path with its (sorted) query, or None for anything not to follow."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(f"http://{HOST}{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or STATE_CHANGING.search(path):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    url = f"{path}?{query}" if query else path
    if CALENDAR_MONTH.search(url) or DASHBOARD_SORT.search(url) or SUMMARY_PERIOD.search(url):
        return None
    year = YEAR.search(query)
    if year and int(year.group(1)) < timezone.localdate().year - 1:
        return None
    return url


def _scan(url: str, part: str, text: str, crawl: Crawl) -> None:
    for match in ID_RE.finditer(text):
        crawl.hits.append(Hit(url, part, match.start(), match.group()))


def _xlsx_parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return {
            name: book.read(name).decode("utf-8", errors="replace")
            for name in book.namelist()
            if name.endswith((".xml", ".rels"))
        }


def crawl_site(client, seeds) -> Crawl:
    crawl = Crawl()
    queue: list[str] = []
    seen: set[str] = set()
    for seed in seeds:
        url = _normalise("/", seed)
        if url and url not in seen:
            seen.add(url)
            queue.append(url)
    while queue:
        if len(crawl.status) >= MAX_URLS:
            crawl.truncated = True
            break
        url = queue.pop(0)
        response = client.get(url)
        if response.streaming:
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        ctype = response.get("Content-Type", "")
        crawl.status[url] = response.status_code
        crawl.content_type[url] = ctype
        found: list[str] = []
        form_urls: list[str] = []
        if response.has_header("Location"):
            found.append(response["Location"])
        if ctype.startswith(XLSX_CONTENT_TYPE):
            parts = _xlsx_parts(content)
            for name, text in parts.items():
                _scan(url, name, text, crawl)
            crawl.text[url] = "\n".join(parts.values())
        else:
            text = content.decode(response.charset or "utf-8", errors="replace")
            _scan(url, "body", text, crawl)
            crawl.text[url] = text
            if ctype.startswith("text/html"):
                parser = _Links()
                parser.feed(text)
                found += parser.hrefs
                form_urls = parser.form_urls
        for n, href in enumerate(found + form_urls):
            target = _normalise(url, href)
            if target is None:
                continue
            # A seed is linked to from a page too (or not): what answers it counts.
            crawl.found_on.setdefault(target, url)
            if n < len(found):
                crawl.linked.add(target)
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return crawl


# --- who may see what ----------------------------------------------------------------------


MY_DATA_PATH = "/me/data.xlsx"  # the member's own data file (``members.own_data``)


def _allowed(persona: str, data: IdWorld, hit: Hit) -> bool:
    """Whether the code grants this full number to this persona on this page (docstring)."""
    path = urlsplit(hit.url).path
    if persona == "officer":
        district_ids = set(
            Member.objects.filter(committee__district=data.world.district)
            .exclude(id_number=None)
            .values_list("id_number", flat=True)
        )
        if EXPORT_PATH.match(path):
            return hit.number in district_ids
        edit = MEMBER_EDIT_PATH.match(path)
        if edit:
            return hit.number == data.ids.get(int(edit.group(1)))
    if persona == "member" and (EXPORT_PATH.match(path) or path == MY_DATA_PATH):
        return hit.number == data.world.a_member.id_number
    corrections = CORRECTIONS_PATH.match(path)
    if corrections and persona in ("secretary_a", "officer"):  # the uploader, the district
        return (int(corrections.group(1)) == data.import_invalid.pk
                and hit.number == data.import_bad_id)
    return False


def _positive_controls(number: str) -> None:
    """The pattern and the xlsx scan find a known number, and not its masked form."""
    assert [m.group() for m in ID_RE.finditer(f"<td>身份证号：{number}</td>")] == [number]
    assert ID_RE.search(f"x{number[:-1]}x y") is not None  # a lower-case x check digit
    assert not ID_RE.search(mask_id_number(number))
    assert not ID_RE.search("1" + number)  # 19 digits: not an ID number
    workbook = openpyxl.Workbook()
    workbook.active.append(["郑优芳", number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    probe = Crawl()
    for name, text in _xlsx_parts(buffer.getvalue()).items():
        _scan("/probe.xlsx", name, text, probe)
    assert [h.number for h in probe.hits] == [number]


def _home(persona: str, data: IdWorld):
    """The committee whose roster the persona keeps or reads, and the member whose page they
    open there; (None, None) for the liaison and the anonymous visitor, who read no personal
    record."""
    w = data.world
    if persona in ("liaison", "anonymous"):
        return None, None
    if persona == "secretary_b":
        return w.b, data.members[5]  # 陈御沁, in B's residents' branch
    return w.a, w.a_member


def _expected(persona: str, data: IdWorld) -> dict[str, str]:
    """URLs the crawl must have reached (status 200), by what they are."""
    w = data.world
    a, member = w.a, w.a_member

    def url(name, *args):
        return reverse(name, args=args)

    common = {
        "A's roster": url("members:committee-roster", a.pk),
        "A's roster export": url("members:roster-export", a.pk),
        "the member page": url("members:member-detail", member.pk),
    }
    secretary = {
        "A's page": url("overview:committee-detail", a.pk),
        "check-ins and sign-ups": url("members:checkin-queue", a.pk),
        "the import page": url("members:roster-import", a.pk),
        "the import preview": url("members:roster-import-detail", data.import_ready.pk),
        "the import with a bad row": url("members:roster-import-detail", data.import_invalid.pk),
        "its file to correct": url("members:roster-import-corrections", data.import_invalid.pk),
        "the edit form": url("members:member-update", member.pk),
        "the appraisal summary": url("members:appraisal-summary", w.a_branch.pk),
        "the public board": url("members:board", a.pk),
    }
    b, b_member = _home("secretary_b", data)
    return {
        "secretary_a": {**common, **secretary},
        "officer": {
            **common,
            **secretary,
            "the district": url("overview:district-detail", w.district.pk),
            "B's roster export": url("members:roster-export", w.b.pk),
            "the unit's page": w.unit.get_absolute_url(),
            "the agreement": data.agreement.get_absolute_url(),
        },
        "secretary_b": {
            "B's page": url("overview:committee-detail", b.pk),
            "B's roster": url("members:committee-roster", b.pk),
            "B's roster export": url("members:roster-export", b.pk),
            "the member page": url("members:member-detail", b_member.pk),
            "the edit form": url("members:member-update", b_member.pk),
            "check-ins and sign-ups": url("members:checkin-queue", b.pk),
            "the import page": url("members:roster-import", b.pk),
            "the public board": url("members:board", b.pk),
            "the unit's party organisation": data.unit_organisation.get_absolute_url(),
        },
        "branch_secretary": {
            **common,
            "the branch": url("branches:branch-detail", w.a_branch.pk),
            "the branch roster": url("members:branch-roster", w.a_branch.pk),
            "the appraisal summary": url("members:appraisal-summary", w.a_branch.pk),
            "the branch's need": data.need.get_absolute_url(),
        },
        "member": {**common, "my page": url("members:me"), "my data": url("members:my-data")},
        "liaison": {
            "the unit's page": w.unit.get_absolute_url(),
            "the agreement": data.agreement.get_absolute_url(),
            "the unit's party organisation": data.unit_organisation.get_absolute_url(),
            "A's page": url("overview:committee-detail", a.pk),
            "B's page": url("overview:committee-detail", w.b.pk),
            "A's needs": url("units:need-list", a.pk),
            "the need": data.need.get_absolute_url(),
            "A's resources": url("units:resource-list", a.pk),
            "A's projects": url("units:project-list", a.pk),
            "the project": data.project.get_absolute_url(),
            "the unit's edit form": url("units:unit-update", w.unit.pk),
        },
        "anonymous": {
            "the sign-in page": url("login"),
            "the sign-up page": url("members:signup"),
            "the password reset": url("password_reset"),
        },
    }[persona]


# --- the test ------------------------------------------------------------------------------

# The fixtures' personas (tests/conftest.py: B's secretary included) and the demo's liaison.
PERSONAS = [
    "anonymous", "secretary_a", "secretary_b", "branch_secretary", "officer", "member", "liaison",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_full_id_number_on_any_page_reached_by_get(client, id_world, persona):
    data, w = id_world, id_world.world
    _positive_controls(w.a_member.id_number)

    if persona == "liaison":
        client.force_login(data.liaison)
    else:
        client = persona_client(client, w, persona)
    seeds = [
        "/",
        *(reverse("overview:committee-detail", args=[c.pk]) for c in (w.a, w.b)),
        *(reverse("members:committee-roster", args=[c.pk]) for c in (w.a, w.b)),
        # Every member page by its address (a 404 outside the persona's scope): the in-service
        # member asking to check in to A is on no roster of A, but A's secretary may open them.
        *(reverse("members:member-detail", args=[m.pk]) for m in data.members),
    ]
    started = time.monotonic()
    crawl = crawl_site(client, seeds)
    elapsed = time.monotonic() - started
    print(f"{persona}: {len(crawl.status)} URLs in {elapsed:.1f}s")

    # The crawl was complete and reached what matters.
    assert not crawl.truncated, f"more than {MAX_URLS} URLs: the crawl did not finish"
    missing = {what: u for what, u in _expected(persona, data).items() if not crawl.ok(u)}
    assert not missing, f"{persona} never reached (with a 200): {missing}"

    # Every link a page offers answers (issue 14, "offer nothing forbidden"): the seeds may be
    # outside the persona's scope on purpose (a 404) as long as no page links to them; a link
    # a page offers may not answer 400, 403, 404 or a server error (a filter's option alone
    # may answer 400: the form asks for more).
    broken = {u: (s, crawl.found_on[u]) for u, s in crawl.status.items()
              if u in crawl.found_on and (s >= 500 or s in (403, 404)
                                          or (s >= 400 and u in crawl.linked))}
    assert not broken, f"{persona} is offered links that do not answer (url: status, on): " + (
        "\n".join(f"{u}: {s} on {on}" for u, (s, on) in sorted(broken.items())))

    # No full number anywhere, but where the code grants it (module docstring). Reported
    # masked: the URL, the part, the position.
    leaks = [str(h) for h in crawl.hits if not _allowed(persona, data, h)]
    assert not leaks, f"{persona} sees full ID numbers by GET:\n" + "\n".join(leaks)

    committee, member = _home(persona, data)
    if committee is None:
        # The liaison reads the partner committees' structure and lists, the visitor the
        # public pages: no member's page, no masked ID number (a roster they may open, e.g.
        # the liaison's, is empty).
        assert not crawl.paths_ok(MEMBER_PATH), f"{persona} opened a member's page"
        masks = {m.masked_id_number for m in data.members}
        seen = [u for u, text in crawl.text.items() if any(mask in text for mask in masks)]
        assert not seen, f"{persona} sees members' masked ID numbers on {seen}"
        return
    assert crawl.paths_ok(MEMBER_PATH), "no member page was reached"
    export = reverse("members:roster-export", args=[committee.pk])
    assert crawl.content_type[export].startswith(XLSX_CONTENT_TYPE)
    filtered_exports = [u for u in crawl.paths_ok(EXPORT_PATH) if "?" in u]
    assert filtered_exports, "the roster's filters were not followed to the export"

    # ID data was there, masked. (Booleans first: a failing ``in`` would print the page.)
    def shows(url, *needles):
        text = crawl.text[url]
        return all(needle in text for needle in needles)

    masked = member.masked_id_number
    member_url = reverse("members:member-detail", args=[member.pk])
    masked_on_member_page = shows(member_url, masked)
    assert masked_on_member_page, f"{member_url} does not show the masked ID number"
    if persona in ("secretary_a", "secretary_b", "branch_secretary"):
        masked_in_export = shows(export, masked)
        assert masked_in_export, f"{export} does not hold the masked ID number"
    if persona in ("secretary_a", "officer"):
        queue = reverse("members:checkin-queue", args=[w.a.pk])
        signup_masked = shows(queue, mask_id_number(data.signup_id), data.signup.name)
        assert signup_masked, f"{queue} does not show the sign-up with its masked ID number"
        preview = data.import_ready.get_absolute_url()
        import_masked = shows(preview, mask_id_number(data.import_ready_id))
        assert import_masked, f"{preview} does not show the masked ID number"

    # Where the code does grant full numbers, the scan finds them (a positive control on real
    # files). Compared masked, so a failure prints no number.
    allowed = [h for h in crawl.hits if _allowed(persona, data, h)]
    in_corrections = {
        mask_id_number(h.number) for h in allowed if CORRECTIONS_PATH.match(urlsplit(h.url).path)
    }
    if persona in ("secretary_a", "officer"):
        assert in_corrections == {mask_id_number(data.import_bad_id)}
    allowed = [h for h in allowed if not CORRECTIONS_PATH.match(urlsplit(h.url).path)]
    in_exports = [h for h in allowed if EXPORT_PATH.match(urlsplit(h.url).path)]
    granted = {mask_id_number(h.number) for h in in_exports}
    if persona == "officer":
        a_ids = {m.masked_id_number for m in data.members if m.committee_id == w.a.pk}
        assert a_ids <= granted
    elif persona == "member":
        assert granted == {masked}
    else:
        assert not allowed
