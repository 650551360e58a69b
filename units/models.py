from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("Government organ")
    PUBLIC_INSTITUTION = "institution", _("Public institution")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL_ORGANISATION = "social", _("Social organisation")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """A resident unit (驻区单位) of the district: a co-building partner of its committees."""

    district = models.ForeignKey(
        "committees.District", on_delete=models.PROTECT, related_name="units",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident unit")
        verbose_name_plural = _("resident units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="unit_unique_name",
                violation_error_message=_("The district already has a unit of that name."),
            ),
        ]

    def __str__(self):
        return self.name
