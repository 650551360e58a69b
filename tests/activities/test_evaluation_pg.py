"""A member's rating of their community sent twice at the same moment (a double tap on a slow
phone), on PostgreSQL: one ballot and one rating, never a rating without its ballot (SQLite
serialises writes and would prove nothing)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from activities import evaluation
from activities.models import CommunityBallot, CommunityRating
from members.models import CheckIn
from tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_rating_sent_eight_times_at_once_counts_once(world):
    member = MemberFactory(committee=world.a, branch=None, outside_organisation="医院党委",
                           category="in_service", name="赵志强")
    CheckIn.objects.create(member=member, committee=world.a, status="confirmed",
                           started_on=date(2020, 1, 1))
    year = timezone.localdate().year
    start = threading.Barrier(8)
    outcomes, errors = [], []

    def rate():
        try:
            start.wait()
            evaluation.community_rate(member=member, committee=world.a, year=year, score=4)
            outcomes.append("rated")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["rated"] + ["refused"] * 7
    assert CommunityBallot.objects.count() == 1 and CommunityRating.objects.count() == 1
