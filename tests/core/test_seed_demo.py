import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from branches.models import Branch, BranchKind
from committees.models import Committee, Seat, SeatRole, Venue
from core.models import RoleAssignment
from members.models import Appraisal, CheckIn, Commitment, Member, Transfer
from units.models import Agreement, Need, Project, Resource

REPORT_COMMUNITIES = {"学苑社区", "御沁园社区", "潞村社区", "广场社区", "解放路社区"}
GALA_UNITS = {"新象城商业广场": Decimal(30_000), "运城银行盐湖支行": Decimal(25_000),
              "国网运城供电公司": Decimal(15_000), "运城学院": Decimal(12_000)}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Committee, Branch, Seat, Venue, Member, RoleAssignment, CheckIn,
                      Commitment, Appraisal, Transfer, Agreement, Need, Resource, Project)
    }


SMALL = 20  # members per committee where the full 610 are not the point


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def seeded_small(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", members_per_committee=SMALL, verbosity=0)


def test_it_builds_the_report_district(seeded_small):
    names = set(Committee.objects.values_list("name", flat=True))
    assert len(names) == 18
    assert REPORT_COMMUNITIES <= names
    for committee in Committee.objects.all():
        kinds = set(
            Branch.objects.filter(committee=committee, parent__isnull=True)
            .values_list("kind", flat=True)
        )
        assert kinds == set(BranchKind.values), committee
        assert Branch.objects.filter(committee=committee, parent__isnull=False).exists()
        part_time = Seat.objects.filter(committee=committee, role=SeatRole.PART_TIME)
        assert part_time.filter(unit__isnull=False, member__isnull=True).exists()
        assert part_time.filter(member__category="small_business").exists()


def test_more_than_70_percent_of_communities_have_500_square_metres(seeded_small):
    areas = Venue.objects.values("committee").annotate(total=Sum("area"))
    large = sum(1 for row in areas if row["total"] >= Decimal(500))
    assert large / Committee.objects.count() > 0.70


def test_running_it_twice_changes_nothing(seeded_small):
    before = counts()
    call_command("seed_demo", members_per_committee=SMALL, verbosity=0)
    assert counts() == before


def test_it_prints_the_four_demo_logins(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", members_per_committee=SMALL)
    out = capsys.readouterr().out
    for username in ("district", "xueyuan", "branch", "member", "liaison"):
        assert f"  {username} " in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert Committee.objects.count() == 0
    call_command("seed_demo", "--force", members_per_committee=SMALL, verbosity=0)
    assert Committee.objects.count() == 18


def test_it_registers_about_11000_members_and_3000_check_ins(seeded):
    from members.models import CheckInStatus
    from members.validators import validate_id_number

    assert 10_500 <= Member.objects.count() <= 11_500
    confirmed = CheckIn.objects.filter(status=CheckInStatus.CONFIRMED)
    assert 2_800 <= confirmed.count() <= 3_300
    assert not confirmed.exclude(member__category="in_service").exists()
    for number in Member.objects.values_list("id_number", flat=True)[:200]:
        assert validate_id_number(number) == number


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
    gala = Project.objects.get(committee__name="学苑社区", title="国庆文艺汇演")
    assert gala.resources.count() == 4 and gala.units.count() == 4
    rooms = Project.objects.filter(committee__name="潞村社区", title__contains="党员活动室")
    assert rooms.count() == 3 and {p.status for p in rooms} == {"done"}
    assert {p.need.status for p in rooms} == {"met"}


def test_xueyuans_gala_counts_its_82000_yuan_once(seeded_small, client):
    """The four units' ¥82,000 is their funding lines: the partners' ranking shows ¥82,000,
    not ¥164,000 (the gala's resources counted again)."""
    from activities.ledger import committee_partners

    xueyuan = Committee.objects.get(name="学苑社区")
    money = {u.name: u.money for u in committee_partners(xueyuan)}
    assert {name: money[name] for name in GALA_UNITS} == GALA_UNITS
    assert sum(money.values()) == Decimal(82_000)  # no other partner gave 学苑 money

    client.force_login(get_user_model().objects.get(username="xueyuan"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(xueyuan.get_absolute_url()).content.decode()
    rows = re.findall(r'data-testid="partner">(.*?)</li>', page, flags=re.S)
    shown = sorted(Decimal(m.replace(",", "")) for m in
                   re.findall(r"¥([\d,]+\.\d\d) received", " ".join(rows)))
    assert sum(shown) == Decimal(82_000)
    assert sorted(GALA_UNITS.values()) == [m for m in shown if m]


def test_it_reproduces_the_reports_activities(seeded):
    """The report's activities, with figures computed from their records."""
    from activities.models import Activity, Attendance, Funding, ServiceTeam

    gala = Activity.objects.get(committee__name="学苑社区", title="庆祝国庆文艺汇演")
    assert gala.place == "新象城广场"
    pooled = Funding.objects.filter(activity=gala, source="unit")
    assert pooled.values("unit").distinct().count() == 4
    assert pooled.aggregate(total=Sum("amount"))["total"] >= 80_000

    centre = Project.objects.get(committee__name="御沁园社区", title="老年人日间照料中心")
    lines = Funding.objects.filter(project=centre)
    assert {"community", "volunteer", "government", "unit"} <= set(
        lines.values_list("source", flat=True))
    assert lines.aggregate(total=Sum("amount"))["total"] >= 100_000

    cleanup = Activity.objects.get(committee__name="广场社区", title="党员志愿者清洁家园行动")
    assert Attendance.objects.filter(activity=cleanup).count() >= 900

    lucun_rooms = Activity.objects.filter(committee__name="潞村社区", venue__isnull=False,
                                          title__startswith="党员学习会")
    assert lucun_rooms.values("venue").distinct().count() == 3

    assert ServiceTeam.objects.count() > 100
    assert Activity.objects.filter(status="held").count() >= 18 * 24  # a year, every committee
    assert Activity.objects.filter(status="open", signed_up__gt=0).exists()


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
