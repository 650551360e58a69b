"""The dashboard's kept figures (overview/figures.py): once counted they equal a count from the
records over any period, a write is on the page once its counting has run, counting twice
changes nothing, a burst of writes queues one counting, and a database without them (the
previous head) gets them on the first view after migrating."""

import random
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, Attendance, Funding, FundingSource, Line
from branches.models import Branch, BranchKind
from committees.models import District
from members.models import Category, CheckIn, Member
from overview import figures
from overview.dashboard import district_dashboard
from overview.models import DayFigure, FigureCount, SpanFigure, StockFigure
from overview.periods import Period, month_period, quarter_period, year_period
from tests.factories import ActivityFactory, BranchFactory, CommitteeFactory, MemberFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIODS = [
    month_period(2026, 3),
    quarter_period(2026, 1),
    year_period(2026),
    year_period(2025),
    Period("custom", date(2026, 1, 31), date(2026, 3, 1)),  # a whole month and two edges
    Period("custom", date(2025, 12, 15), date(2026, 2, 10)),  # across the new year
    Period("custom", date(2026, 3, 5), date(2026, 3, 31)),  # no whole month
    Period("custom", date(2026, 4, 1), date(2026, 4, 1)),  # one day
    Period("custom", date(2026, 1, 1), date(2026, 3, 31)),  # a quarter, asked as a range
    Period("custom", date(2026, 2, 1), date(2026, 4, 30)),  # three months, not a quarter
]


def make_rng(seed_value) -> random.Random:
    return random.Random(seed_value)  # noqa: S311 (test data, not secrets)


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def live(district, period) -> dict:
    """The kept figures counted from the records, one plain filter each, as a reader would."""
    committees = district.committees.order_by("name")
    held = Activity.objects.exclude(status="cancelled").filter(
        starts_at__gte=period.start, starts_at__lt=period.end)
    attended = Attendance.objects.filter(activity__starts_at__gte=period.start,
                                         activity__starts_at__lt=period.end)
    received = Funding.objects.filter(state="received", date__gte=period.first,
                                      date__lte=period.last)
    confirmed = CheckIn.objects.filter(status="confirmed")

    def total(queryset, field):
        return sum((getattr(row, field) for row in queryset), Decimal(0))

    def people(queryset):
        return len({row.member_id for row in queryset})

    def served(committee):
        """Attendance at the committee's activities by the members checked in there."""
        return attended.filter(activity__committee=committee, member__in=confirmed.filter(
            committee=committee).values("member"))

    return {
        "categories": [Member.objects.filter(committee__district=district, category=c).count()
                       for c in Category.values],
        "kinds": [Branch.objects.filter(committee__district=district, parent=None,
                                        kind=k).count()
                  for k in BranchKind.values],
        "checked_in": confirmed.filter(committee__district=district).count(),
        "activities_by_line": {line: held.filter(committee__district=district,
                                                 line=line).count()
                               for line in Line.values},
        "money_by_source": {
            source: total(received.filter(committee__district=district, source=source),
                          "amount")
            for source in FundingSource.values},
        "started": confirmed.filter(committee__district=district,
                                    started_on__gte=period.first,
                                    started_on__lte=period.last).count(),
        "rows": [(c.name, Member.objects.filter(committee=c).count(),
                  confirmed.filter(committee=c).count(),
                  held.filter(committee=c).count(),
                  total(attended.filter(activity__committee=c), "hours"),
                  total(received.filter(committee=c), "amount"))
                 for c in committees],
        "held": Activity.objects.filter(committee__district=district, status="held",
                                        starts_at__gte=period.start,
                                        starts_at__lt=period.end).count(),
        "attendances": attended.filter(activity__committee__district=district).count(),
        "hours": total(attended.filter(activity__committee__district=district), "hours"),
        # each member once per committee whose activities they took part in
        "volunteers": sum(people(attended.filter(activity__committee=c)) for c in committees),
        "served": sum(people(served(c)) for c in committees),
        "served_hours": sum((total(served(c), "hours") for c in committees), Decimal(0)),
    }


def kept(district, period) -> dict:
    """The same figures as the dashboard shows them."""
    board = district_dashboard(district, period)
    activities, money, checkins = board.charts[0], board.charts[1], board.charts[2]
    return {
        "categories": [n for _label, n in board.members_by_category],
        "kinds": [n for _label, n in board.branches_by_kind],
        "checked_in": board.checked_in,
        "activities_by_line": dict(zip(Line.values, (sum(s["data"]) for s in activities.series),
                                       strict=True)),
        "money_by_source": dict(zip(FundingSource.values, money.series[0]["data"],
                                    strict=True)),
        "started": sum(checkins.series[0]["data"]),
        "rows": [(r.name, r.members, r.checked_in, r.activities, r.hours, r.money)
                 for r in board.rows],
        "held": board.held,
        "attendances": board.attendances,
        "hours": board.hours,
        "volunteers": board.volunteers,
        "served": board.served,
        "served_hours": board.served_hours,
    }


def seed(world, rng: random.Random, *, committees=3, members=8, activities=25):
    """A random-ish district: activities near local midnight and month ends, every status,
    attendance, funding lines pledged and received, check-ins in every state."""
    district = world.district
    every = [world.a, world.b] + [CommitteeFactory(district=district)
                                  for _ in range(committees - 2)]
    for committee in every:
        branch = BranchFactory(committee=committee, kind=rng.choice(["residents", "retirees"]))
        BranchFactory(committee=committee, parent=branch)  # a party group: not a branch
        people = [MemberFactory(committee=committee, branch=branch,
                                category=rng.choice(Category.values))
                  for _ in range(members)]
        for person in people:
            status = rng.choice(["pending", "confirmed", "confirmed", "returned", "ended",
                                 None])
            if status is None:
                continue
            CheckIn.objects.create(
                member=person, committee=rng.choice(every[:2] + [committee]), status=status,
                started_on=date(2026, rng.randint(1, 4), rng.randint(1, 28))
                if status in ("confirmed", "ended") else None,
                return_reason="不在本社区居住" if status == "returned" else "",
                end_reason="moved_away" if status == "ended" else "")
        for _ in range(activities):
            year, month = rng.choice([2025, 2026]), rng.randint(1, 4)
            day = rng.choice([1, 28, 30, 31]) if rng.random() < 0.5 else rng.randint(1, 28)
            if month == 2 or (month == 4 and day == 31):
                day = min(day, 28)
            starts = local(year, month, day, rng.choice([0, 7, 15, 23]), rng.choice([0, 30]))
            activity = ActivityFactory(
                committee=committee, line=rng.choice(["party_building", "public_welfare",
                                                      "service", "shared_results"]),
                status=rng.choice(["planned", "open", "held", "held", "cancelled"]),
                starts_at=starts, ends_at=starts + timedelta(minutes=29))
            for person in rng.sample(people, rng.randint(0, 4)):
                Attendance.objects.create(activity=activity, member=person, method="qr",
                                          hours=Decimal(rng.randint(0, 16)) / 2)
            for _ in range(rng.randint(0, 2)):
                source = rng.choice(FundingSource.values)
                Funding.objects.create(
                    committee=committee, activity=activity, source=source,
                    amount=Decimal(rng.randint(1, 500000)) / 100,
                    state=rng.choice(["pledged", "received", "received"]),
                    date=starts.date() + timedelta(days=rng.randint(-2, 2)),
                    unit=world.unit if source == "unit" else None,
                    donor="" if source == "unit" else "某某")
    return every


@pytest.mark.parametrize("seed_value", [13, 2026])
def test_kept_figures_equal_a_count_from_the_records_over_any_period(world, seed_value):
    seed(world, make_rng(seed_value))
    figures.count_all()

    for period in PERIODS:
        assert kept(world.district, period) == live(world.district, period), period


def test_a_committee_never_counted_is_counted_on_the_page(client, world):
    seed(world, make_rng(7), committees=2, activities=5)
    assert not FigureCount.objects.exists()

    client.force_login(world.officer)
    client.get(reverse("overview:district-detail", kwargs={"pk": world.district.pk}))

    assert set(FigureCount.objects.values_list("committee", flat=True)) == {world.a.pk,
                                                                          world.b.pk}
    assert kept(world.district, year_period(2026)) == live(world.district, year_period(2026))


def test_a_write_is_on_the_page_once_its_counting_has_run(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.officer)
    url = reverse("overview:district-detail", kwargs={"pk": world.district.pk})
    params = {"period": "month", "year": "2026", "month": "3"}
    activity = ActivityFactory(committee=world.a, status="held",
                               starts_at=local(2026, 3, 31, 23, 30),
                               ends_at=local(2026, 3, 31, 23, 50))
    figures.count_all()
    assert district_dashboard(world.district, month_period(2026, 3)).rows[0].hours == 0

    # Not yet counted: the page shows the figures as they were counted, and says when.
    Attendance.objects.create(activity=activity, member=world.a_member, method="qr",
                              hours=Decimal("2.5"))
    before = client.get(url, params)
    assert before.context["board"].rows[0].hours == 0

    # A write queues its committee's counting on commit (at once here: tasks are eager).
    with django_capture_on_commit_callbacks(execute=True):
        Funding.objects.create(committee=world.a, activity=activity, source="community",
                               amount=Decimal("88.80"), state="received", date=date(2026, 3, 31),
                               donor="居民")
    after = client.get(url, params)
    row = after.context["board"].rows[0]
    assert (row.name, row.activities, row.hours, row.money) == (
        world.a.name, 1, Decimal("2.5"), Decimal("88.80"))
    assert after.context["computed_at"] > before.context["computed_at"]

    with django_capture_on_commit_callbacks(execute=True):
        activity.delete()
    row = client.get(url, params).context["board"].rows[0]
    assert (row.activities, row.hours, row.money) == (0, 0, 0)


def test_a_burst_of_writes_queues_one_counting(world, settings, monkeypatch,
                                               django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from django.core.cache import cache

    cache.delete(f"figures:queued:{world.a.pk}")
    queued = []
    monkeypatch.setattr("overview.tasks.count_committee_figures.apply_async",
                        lambda args, countdown: queued.append((args, countdown)))
    activity = ActivityFactory(committee=world.a, status="held")
    people = [MemberFactory(committee=world.a, branch=world.a_branch) for _ in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            Attendance.objects.create(activity=activity, member=person, method="qr",
                                      hours=Decimal(1))

    assert queued == [((world.a.pk,), figures.COUNT_DELAY)]
    cache.delete(f"figures:queued:{world.a.pk}")


def test_counting_again_changes_nothing(world):
    seed(world, make_rng(3), committees=2, activities=10)
    figures.count_all()
    rows = sorted(DayFigure.objects.values_list("committee", "day", "figure", "item", "value"))
    stocks = sorted(StockFigure.objects.values_list("committee", "figure", "item", "value"))
    spans = sorted(SpanFigure.objects.values_list("committee", "span", "first", "figure",
                                                  "value"))
    assert spans

    with CaptureQueriesContext(connection) as context:
        figures.count_committee(world.a.pk)

    writes = [q["sql"] for q in context.captured_queries
              if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    # only the time of the counting (and its lock row, already there)
    assert all("overview_figurecount" in sql for sql in writes), writes
    assert sorted(DayFigure.objects.values_list(
        "committee", "day", "figure", "item", "value")) == rows
    assert sorted(StockFigure.objects.values_list("committee", "figure", "item",
                                                  "value")) == stocks
    assert sorted(SpanFigure.objects.values_list("committee", "span", "first", "figure",
                                                 "value")) == spans


def test_counting_a_committee_takes_the_same_queries_whatever_its_size(
    world, django_assert_num_queries
):
    figures.count_committee(world.a.pk)  # its lock row exists from now on
    seed(world, make_rng(5), committees=2, activities=2)
    figures.count_committee(world.a.pk)
    # committee still there, savepoint, lock (2), counts (7), members who took part and served
    # by month, quarter and year (3), kept rows read (days, months, states, spans), time,
    # release
    with django_assert_num_queries(20):
        figures.count_committee(world.a.pk)
    seed(world, make_rng(6), committees=2, activities=20)
    figures.count_committee(world.a.pk)
    with django_assert_num_queries(20):
        figures.count_committee(world.a.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_countings_of_one_committee_at_once_keep_one_set_of_rows(postgres_only):
    district = District.objects.create(name="盐湖区")
    committee = CommitteeFactory(district=district)
    branch = BranchFactory(committee=committee)
    for n in range(30):
        MemberFactory(committee=committee, branch=branch, category="resident")
        activity = ActivityFactory(committee=committee, status="held",
                                   starts_at=local(2026, 1 + n % 12, 10, 9),
                                   ends_at=local(2026, 1 + n % 12, 10, 10))
        Funding.objects.create(committee=committee, activity=activity, source="government",
                               amount=Decimal(n + 1), state="received",
                               date=date(2026, 1, 1 + n), donor="区财政")
    errors = []

    def count():
        try:
            figures.count_committee(committee.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert FigureCount.objects.filter(committee=committee).count() == 1
    assert StockFigure.objects.get(committee=committee, figure="members",
                                   item="resident").value == 30
    assert DayFigure.objects.filter(committee=committee, figure="money").count() == 30
    assert sum(DayFigure.objects.filter(committee=committee, figure="activities")
               .values_list("value", flat=True)) == 30


# --- from the previous head (no kept figures) -------------------------------------------------


def previous_head(executor):
    return [(app, name) for app, name in executor.loader.graph.leaf_nodes()
            if app != "overview"] + [("overview", None)]


def seed_previous_head(apps):
    """A district of two committees the way the portal held it before the kept figures."""
    get = apps.get_model
    district = get("committees", "District").objects.create(name="盐湖区")
    for n, short in enumerate(("学苑", "御沁园")):
        committee = get("committees", "Committee").objects.create(
            district=district, name=f"{short}社区", established=date(2018, 5, 1))
        branch = get("branches", "Branch").objects.create(
            committee=committee, kind="residents", name=f"{short}社区居民党支部")
        people = [get("members", "Member").objects.create(
            committee=committee, name=f"{short}党员{i}", branch=branch,
            category="in_service" if i % 2 else "resident") for i in range(3 + n)]
        get("members", "CheckIn").objects.create(member=people[1], committee=committee,
                                                 status="confirmed",
                                                 started_on=date(2026, 2, 1))
        activity = get("activities", "Activity").objects.create(
            committee=committee, title=f"{short}共建活动", line="public_welfare",
            status="held", starts_at=local(2026, 3, 31, 23, 30),
            ends_at=local(2026, 3, 31, 23, 59))
        for person in people:
            get("activities", "Attendance").objects.create(
                activity=activity, member=person, method="qr", hours=Decimal("1.5"))
        get("activities", "Funding").objects.create(
            committee=committee, activity=activity, source="community",
            amount=Decimal(1000 * (n + 1)), state="received", date=date(2026, 3, 31),
            donor="居民")
    return district.pk


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_head_shows_the_same_figures_after_migrating(client):
    executor = MigrationExecutor(connection)
    executor.migrate(previous_head(executor))
    executor.loader.build_graph()
    district_pk = seed_previous_head(executor.loader.project_state(
        [node for node in previous_head(executor) if node[1]]).apps)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    district = District.objects.get(pk=district_pk)
    assert not FigureCount.objects.exists()  # the migration makes the tables, empty
    for period in (quarter_period(2026, 1), month_period(2026, 3), year_period(2026)):
        figures_now = kept(district, period)  # the first view counts them
        assert figures_now == live(district, period)
    assert figures_now["rows"] == [
        ("学苑社区", 3, 1, 1, Decimal("4.5"), Decimal(1000)),
        ("御沁园社区", 4, 1, 1, Decimal("6.0"), Decimal(2000)),
    ]
    assert FigureCount.objects.count() == 2


def test_a_broker_that_is_down_does_not_fail_the_committed_write(world, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from overview import tasks
    from overview.figures import queue_count

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.count_committee_figures, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        queue_count(world.a.pk)  # logged, not raised


def test_a_bulk_load_queues_no_counting_while_paused(world, django_capture_on_commit_callbacks):
    from overview.figures import paused, queue_count

    with django_capture_on_commit_callbacks() as callbacks:
        with paused():
            queue_count(world.a.pk)
        queue_count(world.b.pk)
    assert len(callbacks) == 1  # only the write after the pause


def test_a_member_who_moves_is_counted_out_of_the_committee_they_left(
        world, django_capture_on_commit_callbacks):
    member = MemberFactory(committee=world.a, branch=world.a_branch)
    figures.count_all()
    moved = type(member).objects.get(pk=member.pk)
    moved.committee = world.b
    with django_capture_on_commit_callbacks(execute=True):
        moved.save(update_fields=["committee"])
    stocks = figures.stocks_by_committee(world.district)
    members = {pk: sum(v for (f, _i), v in kept.items() if f == figures.MEMBERS)
               for pk, kept in stocks.items()}
    live = {c.pk: c.members.count() for c in (world.a, world.b)}
    assert members[world.a.pk] == live[world.a.pk] and members[world.b.pk] == live[world.b.pk]


def test_a_counting_queued_for_a_committee_since_deleted_does_nothing(world):
    pk = world.b.pk + 1000  # no such committee (any more)
    figures.count_committee(pk)  # no error: nothing to count
    assert not FigureCount.objects.filter(committee_id=pk).exists()


@pytest.mark.django_db(transaction=True)
def test_figures_counted_before_the_span_figures_are_counted_again_after_migrating(client):
    """overview 0003 adds the figures kept per month, quarter and year (members who took part,
    in-service members who served) and the held activities: a committee counted before it is
    counted again on the next view, so none of them shows 0."""
    executor = MigrationExecutor(connection)
    before = [(app, name) for app, name in executor.loader.graph.leaf_nodes()
              if app != "overview"] + [("overview", "0002_figures")]
    executor.migrate(before)
    executor.loader.build_graph()
    apps = executor.loader.project_state(before).apps
    district_pk = seed_previous_head(apps)
    for committee in apps.get_model("committees", "Committee").objects.all():
        apps.get_model("overview", "FigureCount").objects.create(
            committee_id=committee.pk, counted_at=datetime(2026, 11, 1, tzinfo=SHANGHAI))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    district = District.objects.get(pk=district_pk)
    assert set(FigureCount.objects.values_list("counted_at", flat=True)) == {None}
    for period in (quarter_period(2026, 1), month_period(2026, 3), year_period(2026)):
        figures_now = kept(district, period)  # the first view counts them
        assert figures_now == live(district, period)
    # 3 and 4 members took part; one in-service member checked in at each served 1.5 hours
    assert (figures_now["held"], figures_now["volunteers"], figures_now["served"],
            figures_now["served_hours"]) == (2, 7, 2, Decimal(3))
    assert None not in set(FigureCount.objects.values_list("counted_at", flat=True))
