"""The demo's two-way evaluation: the communities rated their checked-in members following
their records, and members rated their communities anonymously (as many ratings as ballots)."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from activities.evaluation import community_figures, district_evaluations
from activities.feedback import YEAR, Quarter, served_in
from activities.models import Attendance, CommunityBallot, CommunityRating, ServiceRating
from committees.models import Committee

SMALL = 0.03
LAST = timezone.localdate().year - 1


@pytest.fixture
def seeded_small(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale=SMALL, verbosity=0)


def test_the_demo_rates_checked_in_members_from_their_records(seeded_small):
    ratings = list(ServiceRating.objects.filter(year=LAST).select_related("checkin"))
    assert len(ratings) > 20
    attended = {
        (row["member_id"], row["activity__committee_id"]): row["n"]
        for row in Attendance.objects.filter(activity__starts_at__year=LAST).order_by()
        .values("member_id", "activity__committee_id").annotate(n=Count("pk"))
    }
    for rating in ratings:
        assert served_in(rating.checkin, Quarter(LAST, YEAR))
        assert rating.remark and not rating.remark.isascii()
        came = attended.get((rating.checkin.member_id, rating.checkin.committee_id), 0)
        if rating.rating == "excellent":
            assert came >= 2
        if rating.rating == "unqualified":
            assert came == 0


def test_the_demo_members_rate_their_communities(seeded_small):
    by_committee = dict(
        CommunityRating.objects.filter(year=LAST).order_by().values("committee_id")
        .annotate(n=Count("pk")).values_list("committee_id", "n"))
    ballots = dict(
        CommunityBallot.objects.filter(year=LAST).order_by().values("committee_id")
        .annotate(n=Count("pk")).values_list("committee_id", "n"))
    assert by_committee == ballots and sum(ballots.values()) > 10
    figures = community_figures(list(by_committee), LAST)
    assert any(f.average is not None for f in figures.values())
    rows = district_evaluations(list(Committee.objects.order_by("name")), LAST)
    assert len(rows) == 18 and sum(r["rated"] for r in rows) == len(
        ServiceRating.objects.filter(year=LAST))
