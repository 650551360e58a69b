"""The district page's figures kept whole in the cache for a few minutes (overview/snapshots.py):
later views read them instead of counting again, the page says when they were counted, the beat
warms this year's page, and a cache that is down only means counting from the records."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from overview import snapshots, tasks
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def add_member(world, django_capture_on_commit_callbacks):
    """A member written as a view writes one: its committee's figures counted on commit."""
    def add():
        with django_capture_on_commit_callbacks(execute=True):
            MemberFactory(committee=world.a, branch=world.a_branch)
    return add


def page(client, world):
    return client.get(reverse("overview:district-detail", args=[world.district.pk]))


def queries(client, world) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = page(client, world)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_a_later_view_reads_the_kept_figures_and_says_when_they_were_counted(
        world, login, kept, add_member):
    client = login(world.officer)
    first_count, first = queries(client, world)
    members = first.context["board"].members
    add_member()  # written (and its figures counted) after the page's figures were kept

    second_count, second = queries(client, world)

    assert second_count < first_count - 8  # the figures' queries are not run again
    assert second.context["board"].members == members  # as counted, not yet the new member
    assert second.context["computed_at"] == first.context["computed_at"]
    assert 'data-testid="computed-at"' in second.content.decode()

    cache.clear()  # the snapshot's time is over
    assert page(client, world).context["board"].members == members + 1


def test_each_period_is_kept_apart(world, login, kept):
    client = login(world.officer)
    url = reverse("overview:district-detail", args=[world.district.pk])
    this_year = client.get(url).context["period"]
    last_year = client.get(url, {"period": "year", "year": timezone.localdate().year - 1})
    assert last_year.context["period"] != this_year
    assert last_year.context["board"].compliance_year == this_year.year - 1


def test_the_beat_warms_this_years_page(world, login, kept):
    tasks.count_all_figures()
    client = login(world.officer)
    warm_count, _ = queries(client, world)
    cache.clear()
    cold_count, _ = queries(client, world)
    assert warm_count < cold_count - 8


def test_a_cache_that_is_down_means_counting_from_the_records(world, login, kept,
                                                             monkeypatch, add_member):
    class Down:
        """The snapshots' cache only (sessions may live in the same cache with Redis)."""

        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        set = get

    monkeypatch.setattr(snapshots, "cache", Down())
    client = login(world.officer)
    before = page(client, world).context["board"].members
    add_member()
    response = page(client, world)
    assert response.status_code == 200
    assert response.context["board"].members == before + 1


def test_without_a_keeping_time_every_view_counts(world, login, settings, add_member):
    settings.DASHBOARD_SNAPSHOT_SECONDS = 0
    client = login(world.officer)
    before = page(client, world).context["board"].members
    add_member()
    assert page(client, world).context["board"].members == before + 1
    assert snapshots.warm_districts() == 0


def test_the_time_shown_is_the_older_of_the_counting_and_the_snapshot(world):
    snapshot = snapshots.count_district(world.district, snapshots.default_period())
    assert snapshot.counted_at <= snapshot.at
    snapshot.board.counted_at = snapshot.at + timedelta(minutes=5)
    assert snapshot.counted_at == snapshot.at


def test_each_language_reads_its_own_kept_page_in_its_own_words(world, login, kept):
    """A snapshot is kept once per language, its labels written out: the beat warms both, and
    an English reader of a page a Chinese reader kept reads English labels."""
    tasks.count_all_figures()
    client = login(world.officer)
    client.cookies["django_language"] = "zh-hans"
    warm_count, chinese = queries(client, world)
    client.cookies["django_language"] = "en"
    english_count, english = queries(client, world)
    assert english_count == warm_count  # kept for English too
    assert "在职党员" in chinese.content.decode() and "In-service" not in chinese.content.decode()
    assert "In-service" in english.content.decode() and "在职党员" not in english.content.decode()
    labels = [label for label, _n in english.context["board"].members_by_category]
    assert all(type(label) is str for label in labels)  # written out, not lazy
