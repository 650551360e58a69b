from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class District(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("overview:district-detail", args=[self.pk])


class Committee(models.Model):
    """A community's big party committee (社区"大党委"): one per community."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="committees", verbose_name=_("district")
    )
    name = models.CharField(_("community"), max_length=50, help_text=_("e.g. 学苑社区"))
    street = models.CharField(_("sub-district (街道)"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    established = models.DateField(_("established"), null=True, blank=True)
    # The current term (换届): reminders go out six months and one month before it ends.
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="committee_unique_name_in_district",
                violation_error_message=_("This district already has a committee of that name."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("overview:committee-detail", args=[self.pk])


class SeatRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    MEMBER = "member", _("Committee member")
    PART_TIME = "part_time", _("Part-time member")


class Seat(models.Model):
    """A committee seat (大党委委员), held by a member or by a person from a resident unit."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="seats", verbose_name=_("committee")
    )
    role = models.CharField(_("role on the committee"), max_length=16, choices=SeatRole.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True,
        related_name="seats", verbose_name=_("held by member"),
    )
    holder_name = models.CharField(
        _("holder's name"), max_length=50, blank=True,
        help_text=_("For a person from a resident unit who is not on the roster."),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="seats", verbose_name=_("resident unit"),
    )
    title = models.CharField(
        _("position at the unit"), max_length=100, blank=True,
        help_text=_("For a unit's person, e.g. the unit's party secretary."),
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    commitment = models.TextField(
        _("commitment"), blank=True, help_text=_("Posted on the committee's public board.")
    )
    # A part-time seat made from a co-building agreement ends with it unless it is renewed.
    agreement = models.ForeignKey(
        "units.Agreement", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="seats", verbose_name=_("co-building agreement"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["committee", "role", "term_start"]
        constraints = [
            models.CheckConstraint(
                name="seat_has_one_holder",
                violation_error_message=_(
                    "A seat is held either by a member on the roster, or by a named person "
                    "from a resident unit."
                ),
                condition=(
                    Q(member__isnull=False, holder_name="")
                    | (Q(member__isnull=True, unit__isnull=False) & ~Q(holder_name=""))
                ),
            ),
            models.CheckConstraint(
                name="seat_term_ends_after_start",
                violation_error_message=_("The term cannot end before it starts."),
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.holder}"

    @property
    def holder(self):
        return self.member.name if self.member_id else self.holder_name


class Venue(models.Model):
    """A place for party activities (党员活动室), provided by the community or by a unit.

    ``area`` is the area today. Its changes over time are the dated improvements recorded
    against it (``activities.VenueImprovement``): the area on an earlier day is today's less
    the changes dated after that day."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="venues", verbose_name=_("committee")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="venues",
        verbose_name=_("provided by unit"),
        help_text=_("Leave empty when the community provides it."),
    )
    keeper = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("keeper"),
        help_text=_("The member who looks after the room and organises study there."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["committee", "name"]
        constraints = [
            models.CheckConstraint(
                name="venue_area_positive", condition=Q(area__gt=0),
                violation_error_message=_("The area must be more than zero."),
            ),
        ]

    def __str__(self):
        return self.name
