"""The district page's co-building figures are counted from the records of that district."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from activities.models import Attendance
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    DistrictFactory,
    FundingFactory,
    MemberFactory,
    ServiceTeamFactory,
)


def stat(page: str, testid: str) -> str:
    marker = f'data-testid="{testid}">'
    return page.split(marker, 1)[1].split("<", 1)[0].strip()


def test_the_district_page_counts_this_years_activities_hours_teams_and_money(client, world):
    now = timezone.now()
    held = ActivityFactory(committee=world.a, status="held", starts_at=now - timedelta(days=3),
                           ends_at=now - timedelta(days=3) - timedelta(hours=-2))
    ActivityFactory(committee=world.b, status="open")  # coming up
    second = MemberFactory(committee=world.b, branch=world.b_branch)
    Attendance.objects.create(activity=held, member=world.a_member, method="qr",
                              hours=Decimal("2.0"))
    Attendance.objects.create(activity=held, member=second, method="roster",
                              hours=Decimal("1.5"))
    FundingFactory(activity=held, amount=Decimal("1200.50"), state="received")
    FundingFactory(activity=held, amount=Decimal("999"), state="pledged")  # not yet received
    ServiceTeamFactory(committee=world.a)
    ServiceTeamFactory(committee=world.b)
    # Another district's records are not counted.
    elsewhere = CommitteeFactory(district=DistrictFactory())
    far = ActivityFactory(committee=elsewhere, status="held", starts_at=held.starts_at,
                          ends_at=held.ends_at)
    FundingFactory(activity=far, amount=Decimal("50000"))
    ServiceTeamFactory(committee=elsewhere)

    client.force_login(world.officer)
    page = client.get(world.district.get_absolute_url()).content.decode()
    assert stat(page, "held") == "1"
    assert "1 coming up" in page
    assert stat(page, "volunteers") == "2"
    assert stat(page, "hours") == "4"  # 3.5 hours, shown whole
    assert stat(page, "teams") == "2"
    assert stat(page, "funding") == "¥1,201"
