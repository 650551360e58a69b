"""The district dashboard's kept figures (issue 13, "Speed"): what would scan the large tables
on every view (activities, attendance, funding, members, check-ins) is counted per committee by
``count_committee`` and read back as a few small rows (``overview.models``).

- Flows by committee and local day (``DayFigure``): activities of each line (cancelled ones
  left out), attendances and their hours (by the activity's day), money received from each
  source (funding lines, by their date), check-ins now confirmed by the day they started.
  Any period of days is a sum over them, exact, on the Asia/Shanghai calendar.
- States by committee (``StockFigure``): members by category, branches (党支部, not party
  groups) by kind, in-service members checked in (confirmed).
- Distinct people by committee and calendar month, quarter and year (``SpanFigure``): members
  who took part in its activities, and of them its checked-in in-service members who served
  (each person once in the span; a custom range of other days counts them from the records).

A counting reads each of the committee's tables once, grouped, compares with what is kept and
writes only the rows that changed (a second counting with nothing new writes nothing), under
the lock of the committee's ``FigureCount`` row (two countings of one committee never
interleave: the second skips; countings of different committees do not wait for each other). It
runs after writes (``queue_count``, on commit, at most once per committee every ``COUNT_DELAY``
seconds), on every committee every few minutes (Celery beat: catches bulk writes that send no
signal), and on the page for a committee that was never counted. The page says when its figures
were counted (the oldest counting of the district's committees)."""

import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from activities.models import Activity, ActivityStatus, Attendance, Funding, FundingState
from branches.models import Branch
from committees.models import Committee
from core.dates import next_month
from members.models import CheckIn, CheckInStatus, Member

from .models import DayFigure, FigureCount, MonthFigure, Span, SpanFigure, StockFigure

# Flows (DayFigure.figure), states (StockFigure.figure) and spans (SpanFigure.figure).
ACTIVITIES, HELD, ATTENDANCES, HOURS, SERVED_HOURS, MONEY, CHECKINS = (
    "activities", "held", "attendances", "hours", "served_hours", "money", "checkins")
MEMBERS, BRANCHES, CHECKED_IN = "members", "branches", "checked_in"
VOLUNTEERS, SERVED = "volunteers", "served"

# After a write, the committee is counted again this many seconds later, once for every write
# in between (a QR check-in burst queues one counting, not hundreds).
COUNT_DELAY = 20


def _served_q(committee_id: int) -> Q:
    """Attendances by the committee's in-service members checked in (报到, confirmed)."""
    return Q(member__in=CheckIn.objects.filter(
        committee_id=committee_id, status=CheckInStatus.CONFIRMED).values("member"))


def _flows(committee_id: int) -> dict[tuple, Decimal]:
    """{(day, figure, item): value} of the committee, counted from the records (4 queries)."""
    tz = timezone.get_current_timezone()
    flows: dict[tuple, Decimal] = defaultdict(Decimal)
    for day, line, n, held in (
        Activity.objects.filter(committee_id=committee_id)
        .exclude(status=ActivityStatus.CANCELLED)
        .annotate(day=TruncDate("starts_at", tzinfo=tz)).order_by()
        .values_list("day", "line")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(status=ActivityStatus.HELD)))
    ):
        flows[(day, ACTIVITIES, line)] = Decimal(n)
        flows[(day, HELD, "")] += held
    for day, n, hours, served_hours in (
        Attendance.objects.filter(activity__committee_id=committee_id)
        .annotate(day=TruncDate("activity__starts_at", tzinfo=tz)).order_by()
        .values_list("day")
        .annotate(n=Count("pk"), all_hours=Sum("hours"),
                  their_hours=Sum("hours", filter=_served_q(committee_id)))
    ):
        flows[(day, ATTENDANCES, "")] = Decimal(n)
        flows[(day, HOURS, "")] = hours or Decimal(0)
        flows[(day, SERVED_HOURS, "")] = served_hours or Decimal(0)
    for day, source, total in (
        Funding.objects.filter(committee_id=committee_id, state=FundingState.RECEIVED)
        .order_by().values_list("date", "source").annotate(total=Sum("amount"))
    ):
        flows[(day, MONEY, source)] = total or Decimal(0)
    for day, n in (
        CheckIn.objects.filter(committee_id=committee_id, status=CheckInStatus.CONFIRMED,
                               started_on__isnull=False)
        .order_by().values_list("started_on").annotate(n=Count("pk"))
    ):
        flows[(day, CHECKINS, "")] = Decimal(n)
    return {key: Decimal(value) for key, value in flows.items() if value}


def local_day(value):
    """A ``Trunc…`` value (a local datetime on PostgreSQL, maybe a date) as a date."""
    if hasattr(value, "date"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def _spans(committee_id: int) -> dict[tuple, Decimal]:
    """{(span, first day, figure): value} of the committee: in each month, quarter and year of
    its activities, the members who took part (each once) and, of them, its checked-in
    in-service members who served (3 queries)."""
    tz = timezone.get_current_timezone()
    spans: dict[tuple, Decimal] = {}
    for span, trunc in ((Span.MONTH, TruncMonth), (Span.QUARTER, TruncQuarter),
                        (Span.YEAR, TruncYear)):
        for first, people, served in (
            Attendance.objects.filter(activity__committee_id=committee_id)
            .annotate(first=trunc("activity__starts_at", tzinfo=tz)).order_by()
            .values_list("first")
            .annotate(people=Count("member", distinct=True),
                      served=Count("member", distinct=True,
                                   filter=_served_q(committee_id)))
        ):
            first = local_day(first)
            spans[(span.value, first, VOLUNTEERS)] = Decimal(people)
            spans[(span.value, first, SERVED)] = Decimal(served)
    return {key: value for key, value in spans.items() if value}


def _stocks(committee_id: int) -> dict[tuple, Decimal]:
    """{(figure, item): value} of the committee as it is now (3 queries)."""
    stocks: dict[tuple, Decimal] = {}
    for category, n in (Member.objects.filter(committee_id=committee_id).order_by()
                        .values_list("category").annotate(n=Count("pk"))):
        stocks[(MEMBERS, category)] = Decimal(n)
    for kind, n in (Branch.objects.filter(committee_id=committee_id, parent__isnull=True)
                    .order_by().values_list("kind").annotate(n=Count("pk"))):
        stocks[(BRANCHES, kind)] = Decimal(n)
    stocks[(CHECKED_IN, "")] = Decimal(CheckIn.objects.filter(
        committee_id=committee_id, status=CheckInStatus.CONFIRMED).count())
    return {key: value for key, value in stocks.items() if value}


def _write(model, kept_rows, counted: dict, key, make) -> None:
    """Bring ``kept_rows`` (the committee's rows of ``model``) to ``counted``: create, change
    and delete only what differs."""
    kept = {key(row): row for row in kept_rows}
    changed = []
    for k, row in kept.items():
        if k in counted and row.value != counted[k]:
            row.value = counted[k]
            changed.append(row)
    gone = [row.pk for k, row in kept.items() if k not in counted]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if changed:
        model.objects.bulk_update(changed, ["value"], batch_size=1000)
    new = [make(k, v) for k, v in counted.items() if k not in kept]
    if new:
        model.objects.bulk_create(new, batch_size=1000)


def count_committee(committee_id: int) -> None:
    """Count one committee's kept figures again (idempotent; safe to run twice at once: the
    second waits for the first, then finds nothing to change)."""
    if not Committee.objects.filter(pk=committee_id).exists():
        return  # deleted since the counting was queued (its figures went with it)
    with transaction.atomic():
        FigureCount.objects.bulk_create([FigureCount(committee_id=committee_id)],
                                        ignore_conflicts=True)
        # A counting of this committee already running (a burst of QR scans, each counting on
        # commit without a worker) is left to finish: this one adds nothing but waiting.
        lock = (FigureCount.objects.select_for_update(skip_locked=True)
                .filter(committee_id=committee_id).first())
        if lock is None:
            return
        started = timezone.now()  # the figures are of this moment or later
        flows = _flows(committee_id)
        _write(DayFigure, DayFigure.objects.filter(committee_id=committee_id), flows,
               lambda r: (r.day, r.figure, r.item),
               lambda k, v: DayFigure(committee_id=committee_id, day=k[0], figure=k[1],
                                      item=k[2], value=v))
        months: dict[tuple, Decimal] = defaultdict(Decimal)
        for (day, figure, item), value in flows.items():
            months[(day.replace(day=1), figure, item)] += value
        _write(MonthFigure, MonthFigure.objects.filter(committee_id=committee_id), months,
               lambda r: (r.month, r.figure, r.item),
               lambda k, v: MonthFigure(committee_id=committee_id, month=k[0], figure=k[1],
                                        item=k[2], value=v))
        _write(StockFigure, StockFigure.objects.filter(committee_id=committee_id),
               _stocks(committee_id), lambda r: (r.figure, r.item),
               lambda k, v: StockFigure(committee_id=committee_id, figure=k[0], item=k[1],
                                        value=v))
        _write(SpanFigure, SpanFigure.objects.filter(committee_id=committee_id),
               _spans(committee_id), lambda r: (r.span, r.first, r.figure),
               lambda k, v: SpanFigure(committee_id=committee_id, span=k[0], first=k[1],
                                       figure=k[2], value=v))
        lock.counted_at = started
        lock.save(update_fields=["counted_at"])


def count_all() -> int:
    """Count every committee again, one transaction each; answers how many."""
    ids = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
    for committee_id in ids:
        count_committee(committee_id)
    return len(ids)


def ensure_counted(district) -> dict:
    """Count now the district's committees that were never counted (a new committee, or
    before the first counting after the figures were introduced); answers {committee pk: when
    its figures were counted} (1 query when all were counted)."""
    counted = dict(Committee.objects.filter(district=district).order_by()
                   .values_list("pk", "figure_count__counted_at"))
    for committee_id, when in counted.items():
        if when is None:
            count_committee(committee_id)
            counted[committee_id] = timezone.now()
    return counted


_paused = threading.local()


@contextmanager
def paused():
    """Queue no counting of a write inside (a bulk load, such as the demo's, counts every
    committee once when it is done: ``count_all``)."""
    before = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = before


def queue_count(committee_id: int | None) -> None:
    """After the current transaction commits, have the committee counted again in
    ``COUNT_DELAY`` seconds, unless a counting is already queued for it. Without a worker
    (eager tasks) it is counted at once."""
    if committee_id is None or getattr(_paused, "on", False):
        return

    def queue():
        from .tasks import count_committee_figures

        eager = settings.CELERY_TASK_ALWAYS_EAGER
        # The mark lives no longer than the delay: a write after the counting started queues
        # another one.
        if eager or cache.add(f"figures:queued:{committee_id}", 1, COUNT_DELAY - 1):
            count_committee_figures.apply_async((committee_id,), countdown=COUNT_DELAY)

    # robust: the write has committed; a broker that is down must not turn it into an error
    # (the beat's counting catches the committee up).
    transaction.on_commit(queue, robust=True)


# --- reading ----------------------------------------------------------------------------------


def stocks_by_committee(district, only=None) -> dict[int, dict[tuple, Decimal]]:
    """{committee pk: {(figure, item): value}} of the district's committees, or of the one
    committee ``only`` (a pk) (1 query)."""
    found: dict[int, dict[tuple, Decimal]] = defaultdict(dict)
    rows = StockFigure.objects.filter(committee__district=district)
    if only is not None:
        rows = rows.filter(committee_id=only)
    for committee_id, figure, item, value in (
        rows
        .values_list("committee_id", "figure", "item", "value")
    ):
        found[committee_id][(figure, item)] = value
    return found


def _kept_flows(district, period, only=None):
    """The district's day rows and month rows that together make up the period, exactly:
    whole months from ``MonthFigure``, the days of a partial month at either end from
    ``DayFigure`` (a year reads 12 rows per committee and figure, not 365). The days are asked
    as their own ranges, so that a period of whole months reads no day row at all."""
    first_whole = period.first if period.first.day == 1 else next_month(period.first)
    end_whole = (period.last + timedelta(days=1)).replace(day=1)  # first month not whole
    if first_whole < end_whole:
        edges = Q(day__gte=period.first, day__lt=first_whole) | Q(day__gte=end_whole,
                                                                   day__lte=period.last)
    else:  # no whole month: every day of it
        edges = Q(day__gte=period.first, day__lte=period.last)
    days = DayFigure.objects.filter(edges, committee__district=district)
    months = MonthFigure.objects.filter(committee__district=district, month__gte=first_whole,
                                        month__lt=end_whole)
    if only is not None:
        days, months = days.filter(committee_id=only), months.filter(committee_id=only)
    return days.order_by(), months.order_by()


def flows_by_committee(district, period, only=None) -> dict[int, dict[str, Decimal]]:
    """{committee pk: {figure: total over the period}}, of the one committee ``only`` (a pk)
    when given (1 query)."""
    days, months = _kept_flows(district, period, only)
    found: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for committee_id, figure, total in (
        days.values_list("committee_id", "figure").annotate(total=Sum("value")).union(
            months.values_list("committee_id", "figure").annotate(total=Sum("value")),
            all=True)
    ):
        found[committee_id][figure] += total
    return found


def flows_by_month(district, period) -> dict[tuple, Decimal]:
    """{(first day of the month, figure, item): total} of the district over the period
    (1 query)."""
    days, months = _kept_flows(district, period)
    found: dict[tuple, Decimal] = defaultdict(Decimal)
    for month, figure, item, total in (
        days.annotate(of=TruncMonth("day")).values_list("of", "figure", "item")
        .annotate(total=Sum("value")).union(
            months.values_list("month", "figure", "item").annotate(total=Sum("value")),
            all=True)
    ):
        found[(month, figure, item)] += total
    return found


def span_of(period) -> tuple[str, object] | None:
    """(span, first day) when the period is a whole calendar month, quarter or year (whatever
    it was asked as), else None: its distinct figures are then counted from the records."""
    first, last = period.first, period.last
    if first.day != 1 or (last + timedelta(days=1)).day != 1:
        return None
    after = last + timedelta(days=1)
    months = (after.year - first.year) * 12 + after.month - first.month
    if months == 1:
        return Span.MONTH, first
    if months == 3 and first.month % 3 == 1:
        return Span.QUARTER, first
    if months == 12 and first.month == 1:
        return Span.YEAR, first
    return None


def spans_by_committee(district, period) -> dict[int, dict[str, Decimal]] | None:
    """{committee pk: {figure: value}} of the period's span (1 query), or None when the period
    is not a calendar month, quarter or year."""
    span = span_of(period)
    if span is None:
        return None
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for committee_id, figure, value in (
        SpanFigure.objects.filter(committee__district=district, span=span[0], first=span[1])
        .values_list("committee_id", "figure", "value")
    ):
        found[committee_id][figure] = value
    return found
