import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from activities.models import Activity, Attendance, Funding, ServiceTeam
from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, Seat, SeatRole, Venue
from core.models import RoleAssignment
from meetings.models import Matter, Meeting
from members.models import (
    Appraisal,
    CheckIn,
    Commitment,
    InServiceGroup,
    Member,
    Transfer,
)
from units.models import Agreement, Need, Project, Resource

REPORT_COMMUNITIES = {"学苑社区", "御沁园社区", "潞村社区", "广场社区", "解放路社区"}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Committee, Branch, CommitteeMembership, Seat, Venue, Member,
                      InServiceGroup, RoleAssignment, CheckIn, Commitment, Appraisal, Transfer,
                      Agreement, Need, Resource, Project, Activity, Attendance, Funding,
                      ServiceTeam, Meeting, Matter)
    }


# A small district, where the full 1.1万 members are not the point (the report's figures are
# tests/overview/test_demo_story.py's, on the full demo): 24 to 41 members a committee.
SMALL = 0.03


@pytest.fixture
def seeded_small(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale=SMALL, verbosity=0)


def test_it_builds_the_report_district(seeded_small):
    names = set(Committee.objects.values_list("name", flat=True))
    assert len(names) == 18
    assert REPORT_COMMUNITIES <= names
    for committee in Committee.objects.all():
        own = Branch.objects.filter(committee=committee, parent__isnull=True).exclude(
            kind=BranchKind.UNIT)
        assert set(own.values_list("kind", flat=True)) == {"residents", "retirees"}, committee
        assert Branch.objects.filter(committee=committee, parent__isnull=False).exists()
        # units' organisations are member organisations, kept once in the district
        assert committee.organisation_memberships.count() >= 2, committee
        part_time = Seat.objects.filter(committee=committee, role=SeatRole.PART_TIME)
        assert part_time.filter(unit__isnull=False, member__isnull=True).exists()
        assert part_time.filter(member__category="small_business").exists()


def test_more_than_70_percent_of_communities_have_500_square_metres(seeded_small):
    areas = Venue.objects.values("committee").annotate(total=Sum("area"))
    large = sum(1 for row in areas if row["total"] >= Decimal(500))
    assert large / Committee.objects.count() > 0.70


def test_running_it_twice_changes_nothing(seeded_small):
    before = counts()
    call_command("seed_demo", scale=SMALL, verbosity=0)
    assert counts() == before


def test_it_prints_the_four_demo_logins(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", scale=SMALL)
    out = capsys.readouterr().out
    for username in ("district", "xueyuan", "branch", "member", "liaison"):
        assert f"  {username} " in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert Committee.objects.count() == 0
    call_command("seed_demo", "--force", scale=SMALL, verbosity=0)
    assert Committee.objects.count() == 18


def test_every_committee_co_builds_with_units(seeded_small):
    for committee in Committee.objects.all():
        in_force = [a for a in committee.agreements.all() if a.current_status == "in_force"]
        assert len(in_force) >= 2, committee
        # the unit seats are tied to the agreements and end with them
        for seat in Seat.objects.filter(committee=committee, unit__isnull=False):
            assert seat.agreement is not None and seat.term_end == seat.agreement.ends_on
        assert committee.needs.filter(status="open").exists()
        assert committee.resources.filter(status="offered").exists()
        assert committee.projects.exists()
    # an agreement ending within 30 days shows on 学苑's page; some ran out and read expired
    assert any(a.expiring_soon for a in Agreement.objects.filter(committee__name="学苑社区"))
    assert any(a.current_status == "expired" for a in Agreement.objects.all())


def test_the_reports_co_building_stories_are_there(seeded_small):
    gala = Project.objects.get(committee__name="学苑社区", title__contains="国庆文艺晚会")
    assert gala.units.count() == 4 and gala.resources.filter(kind="venue").exists()
    rooms = Project.objects.filter(committee__name="潞村社区", title__contains="党员活动室")
    assert rooms.count() == 3 and {p.status for p in rooms} == {"done"}
    assert {p.need.status for p in rooms} == {"met"}
    assert Project.objects.filter(committee__name="学苑社区", title__contains="阵地建设").exists()


def test_xueyuans_partners_money_is_their_funding_lines_counted_once(seeded_small, client):
    """A partner's money on 学苑's page is its received funding lines (the renovation's and the
    gala's), and nothing of the resources it brought in kind: the gala's venue, lighting and
    programmes carry no money, and no funds resource was used for the same yuan."""
    from activities.ledger import committee_partners
    from activities.models import Funding

    xueyuan = Committee.objects.get(name="学苑社区")
    lines = Funding.objects.filter(committee=xueyuan, source="unit", state="received")
    given = {row["unit__name"]: row["total"]
             for row in lines.values("unit__name").annotate(total=Sum("amount"))}
    gala = Project.objects.get(committee=xueyuan, title__contains="国庆文艺晚会")
    renovation = Project.objects.get(committee=xueyuan, title__contains="阵地建设")
    assert set(given) == {u.name for u in gala.units.all()} == {
        u.name for u in renovation.units.all()}
    assert not Resource.objects.filter(committee=xueyuan, kind="funds",
                                       status__in=["used", "committed"]).exists()
    assert not gala.resources.filter(amount__isnull=False).exists()
    money = {u.name: u.money for u in committee_partners(xueyuan)}
    assert {name: money[name] for name in given} == given
    assert sum(money.values()) == sum(given.values())  # no other partner gave 学苑 money

    client.force_login(get_user_model().objects.get(username="xueyuan"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(xueyuan.get_absolute_url()).content.decode()
    rows = re.findall(r'data-testid="partner">(.*?)</li>', page, flags=re.S)
    shown = sorted(Decimal(m.replace(",", "")) for m in
                   re.findall(r"¥([\d,]+\.\d\d) received", " ".join(rows)))
    assert shown == sorted(given.values())


def test_it_seeds_a_year_of_meetings_with_gaps_and_matters(seeded_small):
    from django.utils import timezone

    from meetings.models import AgendaItem, Matter, Meeting

    for committee in Committee.objects.all():
        monthly = Meeting.objects.filter(committee=committee, kind="monthly")
        assert 9 <= monthly.count() <= 12, committee
        assert AgendaItem.objects.filter(meeting__in=monthly).exists()
        assert Matter.objects.filter(committee=committee).exists()
    # Some committees skipped a month, so compliance shows gaps.
    counts = {Meeting.objects.filter(committee=c, kind="monthly").count()
              for c in Committee.objects.all()}
    assert len(counts) > 1
    # 解放路社区's disputes, mediated on the spot and deliberated at its monthly meetings.
    on_the_spot = Matter.objects.filter(
        committee__name="解放路社区", kind="dispute", status="resolved",
        resolved_on=F("raised_on"),
    )
    assert on_the_spot.count() >= 3
    assert AgendaItem.objects.filter(matter__in=on_the_spot).exists()
    # The branches' 三会一课 this year.
    kinds = set(Meeting.objects.filter(branch__isnull=False).values_list("kind", flat=True))
    assert {"branch_committee", "themed_day", "group"} <= kinds
    # One committee's re-election is overdue.
    assert Committee.objects.filter(term_end__lt=timezone.localdate()).exists()
