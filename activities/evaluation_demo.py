"""Two-way evaluation demo data for ``seed_demo`` (through ``activities.demo``): each
community's rating of the in-service members checked in there, last year and (most of them)
this year, following their record (a member who came to many activities is rated well, one
who came to none is told so), with remarks in Chinese; and the members' anonymous ratings of
their communities, a part of them each year, mostly satisfied. (The demo's ``member`` login
is a resident, not an in-service member: it has no community to rate.)

Written in bulk (no audit entries: like the rest of the demo). Deterministic."""

import random

from django.db.models import Count
from django.utils import timezone

from members.models import CheckIn, Rating

from .feedback import YEAR, Quarter, served_q
from .models import Attendance, CommunityBallot, CommunityRating, ServiceRating

REMARKS = {
    Rating.EXCELLENT: ["积极参加社区志愿服务，带头作用明显", "主动认领服务岗位，群众评价好",
                       "多次参加社区共建活动，表现突出"],
    Rating.QUALIFIED: ["能按要求参加社区活动", "服务态度端正，完成认领任务",
                       "参加活动较为积极，希望继续保持"],
    Rating.BASIC: ["参加社区活动次数偏少，希望多参与", "能参加部分活动，作用发挥不够充分"],
    Rating.UNQUALIFIED: ["全年未参加社区活动，已向所在单位反馈"],
}
# Members' ratings of their community: 5 (very satisfied) to 1, and how often each is given.
SCORES, SCORE_WEIGHTS = [5, 4, 3, 2, 1], [45, 35, 14, 5, 1]


def _rating(rng, attended: int) -> str:
    if attended >= 6:
        return Rating.EXCELLENT if rng.random() < 0.7 else Rating.QUALIFIED
    if attended >= 2:
        return Rating.QUALIFIED if rng.random() < 0.85 else Rating.EXCELLENT
    if attended == 1:
        return Rating.BASIC if rng.random() < 0.6 else Rating.QUALIFIED
    return Rating.UNQUALIFIED if rng.random() < 0.5 else Rating.BASIC


def seed_evaluations(district) -> None:
    rng = random.Random(2019)  # noqa: S311 (demo data, not secrets)
    this_year = timezone.localdate().year
    # (year, share of check-ins the community rated, share of members who rated it)
    plan = [(this_year - 1, 0.95, 0.45), (this_year, 0.6, 0.2)]
    ratings, ballots, scores, voted = [], [], [], set()
    for year, rated_share, rating_share in plan:
        period = Quarter(year, YEAR)
        checkins = list(
            CheckIn.objects.filter(served_q(period), committee__district=district)
            .order_by("pk").values_list("pk", "member_id", "committee_id")
        )
        attended = {
            (row["member_id"], row["activity__committee_id"]): row["n"]
            for row in Attendance.objects.filter(
                activity__committee__district=district, activity__starts_at__year=year,
            ).order_by().values("member_id", "activity__committee_id").annotate(n=Count("pk"))
        }
        for pk, member_id, committee_id in checkins:
            if rng.random() < rated_share:
                rating = _rating(rng, attended.get((member_id, committee_id), 0))
                ratings.append(ServiceRating(
                    checkin_id=pk, year=year, rating=rating, remark=rng.choice(REMARKS[rating]),
                ))
            if (member_id, committee_id, year) in voted:
                continue
            if rng.random() < rating_share:
                voted.add((member_id, committee_id, year))
                ballots.append(CommunityBallot(member_id=member_id, committee_id=committee_id,
                                               year=year))
                scores.append(CommunityRating(committee_id=committee_id, year=year,
                                              score=rng.choices(SCORES, SCORE_WEIGHTS)[0]))
    rng.shuffle(scores)  # not in the ballots' order either
    ServiceRating.objects.bulk_create(ratings, batch_size=1000)
    CommunityBallot.objects.bulk_create(ballots, batch_size=1000)
    CommunityRating.objects.bulk_create(scores, batch_size=1000)
