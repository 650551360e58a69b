"""Models of the overview app.

Reports by period: a district's or a committee's figures for a month, a quarter, a year or a
range, written as an Excel workbook by Celery (``overview.reports_build``) and kept for
download for ``settings.PERIOD_REPORT_KEEP_DAYS`` days, then purged."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet

from .periods import KINDS, Period


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PeriodReport(models.Model):
    """One requested report: of a district (every committee) or of one committee, never both.
    ``content`` holds the finished workbook (no ID number is ever in it), empty until done and
    after a failure."""

    district = models.ForeignKey(
        "committees.District", on_delete=models.CASCADE, null=True, blank=True,
        related_name="period_reports", verbose_name=_("district"),
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, null=True, blank=True,
        related_name="period_reports", verbose_name=_("committee"),
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=list(KINDS.items()))
    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    sheets_done = models.PositiveSmallIntegerField(default=0)
    sheets_total = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    content = models.BinaryField(editable=False, default=b"")
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report by period")
        verbose_name_plural = _("reports by period")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"], name="overview_report_expires")]
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=False, committee__isnull=True)
                | Q(district__isnull=True, committee__isnull=False),
                name="overview_report_district_or_committee",
            ),
            models.CheckConstraint(
                condition=Q(first__lte=F("last")), name="overview_report_first_not_after_last",
            ),
        ]

    def __str__(self):
        return f"{self.committee or self.district} {self.period.label}"

    def get_absolute_url(self):
        return reverse("overview:report-detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.first, self.last)

    # A report that has not moved for this long has lost its worker: its page stops
    # refreshing and says so (nothing was kept; the user requests it again).
    STALLED_AFTER = timezone.timedelta(minutes=30)

    @property
    def busy(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        return self.busy and self.updated_at < timezone.now() - self.STALLED_AFTER

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def downloadable(self) -> bool:
        return self.status == ReportStatus.DONE and not self.expired

    @property
    def filename(self) -> str:
        holder = self.committee or self.district
        return f"{holder.name}-{self.first.isoformat()}-{self.last.isoformat()}.xlsx"


# --- Kept figures of the district dashboard (issue 13, "Speed"; overview/figures.py) --------
# Counted per committee by ``overview.figures.count_committee`` (Celery, after writes and every
# few minutes), read by ``overview.dashboard``: a period sums a few small rows per committee
# and day instead of scanning activities, attendance, funding and members on every view.


class FigureCount(models.Model):
    """When a committee's kept figures were last counted; its row is also the lock that keeps
    two countings of one committee from running at once."""

    committee = models.OneToOneField(
        "committees.Committee", on_delete=models.CASCADE, primary_key=True,
        related_name="figure_count", verbose_name=_("committee"),
    )
    counted_at = models.DateTimeField(_("counted at"), null=True)

    class Meta:
        verbose_name = _("figures counted")
        verbose_name_plural = _("figures counted")

    def __str__(self):
        return f"{self.committee_id} @ {self.counted_at}"


class DayFigure(models.Model):
    """A flow of one committee on one local day: activities of a line, attendances, hours,
    money received from a source, check-ins (now confirmed) started."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("committee"),
    )
    day = models.DateField(_("day"))
    figure = models.CharField(_("figure"), max_length=16)
    item = models.CharField(_("item"), max_length=20, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("figure of a day")
        verbose_name_plural = _("figures of a day")
        constraints = [
            models.UniqueConstraint(fields=["committee", "day", "figure", "item"],
                                    name="dayfigure_once"),
        ]
        indexes = [models.Index(fields=["day", "committee"], name="dayfigure_day")]

    def __str__(self):
        return f"{self.committee_id} {self.day} {self.figure}:{self.item} = {self.value}"


class MonthFigure(models.Model):
    """The same flows summed over a calendar month (``month`` is its first day): a period of
    whole months reads these, its partial months at either end read ``DayFigure``."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("committee"),
    )
    month = models.DateField(_("month"))
    figure = models.CharField(_("figure"), max_length=16)
    item = models.CharField(_("item"), max_length=20, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("figure of a month")
        verbose_name_plural = _("figures of a month")
        constraints = [
            models.UniqueConstraint(fields=["committee", "month", "figure", "item"],
                                    name="monthfigure_once"),
        ]
        indexes = [models.Index(fields=["month", "committee"], name="monthfigure_month")]

    def __str__(self):
        return f"{self.committee_id} {self.month:%Y-%m} {self.figure}:{self.item} = {self.value}"


class StockFigure(models.Model):
    """A state of one committee when counted: members of a category, branches of a kind,
    in-service members checked in."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("committee"),
    )
    figure = models.CharField(_("figure"), max_length=16)
    item = models.CharField(_("item"), max_length=20, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("figure of a state")
        verbose_name_plural = _("figures of a state")
        constraints = [
            models.UniqueConstraint(fields=["committee", "figure", "item"],
                                    name="stockfigure_once"),
        ]

    def __str__(self):
        return f"{self.committee_id} {self.figure}:{self.item} = {self.value}"


class Span(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    YEAR = "year", _("year")


class SpanFigure(models.Model):
    """A figure of one committee over a calendar month, quarter or year (``first`` is its first
    day) that is not a sum of days: how many members took part in its activities, how many of
    its checked-in in-service members served. Each person counts once in the span, so a month,
    a quarter and a year are each counted; a custom range is counted from the records."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("committee"),
    )
    span = models.CharField(_("span"), max_length=8, choices=Span.choices)
    first = models.DateField(_("first day"))
    figure = models.CharField(_("figure"), max_length=16)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("figure of a span")
        verbose_name_plural = _("figures of a span")
        constraints = [
            models.UniqueConstraint(fields=["committee", "span", "first", "figure"],
                                    name="spanfigure_once"),
        ]
        indexes = [models.Index(fields=["span", "first", "committee"], name="spanfigure_span")]

    def __str__(self):
        return f"{self.committee_id} {self.span} {self.first} {self.figure} = {self.value}"


# --- end of kept figures ----------------------------------------------------------------------
