"""Money counted once (docs/decisions.md): a unit's contribution of money is its funding lines.

The hospital offered the committee ¥25,000 of funds and a square worth ¥30,000 on the resources
list; matching committed both to the gala, which is done (so they are used), and the ¥25,000
arrived: its funding line is the money. Another unit pledged ¥5,000 and the community put in
¥3,000. Each page that shows money shows every yuan once: ¥25,000 from the hospital, ¥28,000
received in all, never ¥50,000 (the funds counted as a resource and as a line) nor ¥55,000 or
¥80,000 (the square's worth counted as money).
"""

import html
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Funding
from tests.factories import ActivityFactory, UnitFactory
from units import lists
from units.models import Agreement, Need, ProjectStatus, Resource, ResourceStatus

DOUBLED = ["50,000", "55,000", "80,000"]  # what counting a yuan twice would show


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def shown(page: str, testid: str) -> list[str]:
    """The words of each element marked ``testid`` (up to its closing tag), tags removed."""
    blocks = re.findall(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", b).split()) for _, b in blocks]


def assert_no_doubled_sum(page: str):
    for figure in DOUBLED:
        assert figure not in page


@pytest.fixture
def gala(world):
    today = timezone.localdate()
    school = UnitFactory(district=world.district, name="盐湖区实验中学")
    for unit in (world.unit, school):
        Agreement.objects.create(
            unit=unit, committee=world.a, starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(year=today.year + 1), signed_on=today.replace(month=1, day=1),
            status="in_force", committee_commits="开放场地", unit_commits="经费",
        )
    offer = dict(unit=world.unit, committee=world.a, offered_on=today)
    funds = Resource.objects.create(kind="funds", description="汇演经费",
                                    amount=Decimal("25000"), **offer)
    square = Resource.objects.create(kind="venue", description="广场场地与舞台",
                                     amount=Decimal("30000"), **offer)
    need = Need.objects.create(committee=world.a, title="国庆文艺汇演", kind="funds")
    project = lists.need_match(need=need, resources=[funds, square], title="国庆文艺汇演",
                               owner="社区党委", user=world.secretary_a)
    project.status, project.started_on, project.finished_on = ProjectStatus.DONE, today, today
    lists.project_save(project=project)
    assert set(project.resources.values_list("status", flat=True)) == {ResourceStatus.USED}
    # The funds' money, recorded once: the hospital's funding line on the project.
    Funding.objects.create(committee=world.a, project=project, source="unit", unit=world.unit,
                           amount=Decimal("25000"), state="received", date=today)
    evening = ActivityFactory(committee=world.a, project=project, title="国庆文艺汇演之夜")
    Funding.objects.create(committee=world.a, activity=evening, source="unit", unit=school,
                           amount=Decimal("5000"), state="pledged", date=today)
    Funding.objects.create(committee=world.a, activity=evening, source="community",
                           donor="学苑社区", amount=Decimal("3000"), state="received", date=today)
    return project


def test_the_committee_page_counts_each_yuan_once(login, world, gala):
    page = text(login(world.secretary_a).get(world.a.get_absolute_url()))

    partners = shown(page, "partner")
    assert partners[0].startswith(world.unit.name) and "¥25,000.00 received" in partners[0]
    assert "盐湖区实验中学" in partners[1] and "¥0.00 received" in partners[1]  # a pledge
    assert shown(page, "cobuilding-funding")[0].endswith(
        "In all: received ¥28,000.00 · pledged ¥5,000.00")
    assert_no_doubled_sum(page)


def test_the_units_ledger_counts_each_yuan_once(login, world, gala):
    year = timezone.localdate().year
    page = text(login(world.officer).get(world.unit.get_absolute_url(), {"year": year}))

    assert shown(page, "ledger-money") == ["¥25,000.00"]
    assert shown(page, "ledger-funding") == ["Received ¥25,000.00 · pledged ¥0.00"]
    # The offers are listed with what they are worth, and not added up.
    assert "25,000.00" in page and "30,000.00" in page
    assert shown(page, "value-offered-note")
    assert_no_doubled_sum(page)


def test_the_units_ledger_workbook_counts_each_yuan_once(login, world, gala):
    year = timezone.localdate().year
    response = login(world.officer).get(
        reverse("activities:unit-ledger-export", args=[world.unit.pk]), {"year": year}
    )
    book = load_workbook(BytesIO(response.content))

    summary = {k: v for k, v in list(book["概况"].iter_rows(values_only=True))[1:]}
    money = {k: Decimal(str(v)) for k, v in summary.items() if "元" in k}
    assert money == {"资助已到账（元）": Decimal(25000), "资助已承诺未到账（元）": Decimal(0)}
    funding = list(book["资助"].iter_rows(values_only=True))[1:]
    assert [row[2] for row in funding] == [25000, 25000, 0]  # the line, received, pledged
    offered = list(book["提供资源"].iter_rows(values_only=True))
    assert offered[0][4] == "折合价值（元）"
    assert [row[4] for row in offered[1:]] == [25000, 30000]  # the offers, no sum


def test_the_committees_funding_page_counts_each_yuan_once(login, world, gala):
    page = text(login(world.secretary_a).get(
        reverse("activities:committee-funding", args=[world.a.pk])))

    assert shown(page, "total-unit") == ["Resident unit sponsorship 25,000.00 5,000.00 30,000.00"]
    assert shown(page, "total-all") == ["In all 28,000.00 5,000.00 33,000.00"]
    assert len(shown(page, "funding-line")) == 3
    assert_no_doubled_sum(page)


def test_the_district_page_counts_each_yuan_once(login, world, gala):
    page = text(login(world.officer).get(world.district.get_absolute_url()))

    assert shown(page, "funding") == ["¥28,000"]
    assert_no_doubled_sum(page)
