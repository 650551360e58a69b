"""Models of the overview app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


# --- end of kept figures ----------------------------------------------------------------------
