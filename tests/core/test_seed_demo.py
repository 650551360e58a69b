from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from branches.models import Branch, BranchKind
from committees.models import Committee, Seat, SeatRole, Venue
from core.models import RoleAssignment
from members.models import Member

REPORT_COMMUNITIES = {"学苑社区", "御沁园社区", "潞村社区", "广场社区", "解放路社区"}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Committee, Branch, Seat, Venue, Member, RoleAssignment)
    }


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_it_builds_the_report_district(seeded):
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


def test_more_than_70_percent_of_communities_have_500_square_metres(seeded):
    areas = Venue.objects.values("committee").annotate(total=Sum("area"))
    large = sum(1 for row in areas if row["total"] >= Decimal(500))
    assert large / Committee.objects.count() > 0.70


def test_running_it_twice_changes_nothing(seeded):
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_it_prints_the_four_demo_logins(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ("district", "xueyuan", "branch", "member"):
        assert f"  {username} " in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", verbosity=0)
    assert Committee.objects.count() == 0
    call_command("seed_demo", "--force", verbosity=0)
    assert Committee.objects.count() == 18
