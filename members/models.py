from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class Category(models.TextChoices):
    SMALL_BUSINESS = "small_business", _("Small business / self-employed (小个专)")
    RETIRED_CADRE = "retired_cadre", _("Retired cadre")
    IN_SERVICE = "in_service", _("In-service")
    RESIDENT = "resident", _("Community resident")
    OTHER = "other", _("Other")


class Member(models.Model):
    """A party member under a committee's management.

    The first cut (foundation): enough for seats, the demo logins and the counts. The members
    issue adds the ID number, contact details, check-ins, transfers and the rest.
    A member's membership is held either by a branch of the district or, for an in-service
    member whose membership stays with the employer, by an organisation outside it (text).
    """

    name = models.CharField(_("full name"), max_length=50)
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="members",
        verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, null=True, blank=True,
        related_name="members", verbose_name=_("membership branch"),
    )
    outside_organisation = models.CharField(
        _("membership held outside the district"), max_length=100, blank=True
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="member", verbose_name=_("user account"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["committee", "name"]
        constraints = [
            models.CheckConstraint(
                name="member_one_membership",
                violation_error_message=_(
                    "Membership is held either by a branch of the district or by one "
                    "organisation outside it."
                ),
                condition=(
                    Q(branch__isnull=False, outside_organisation="")
                    | (Q(branch__isnull=True) & ~Q(outside_organisation=""))
                ),
            ),
        ]
        indexes = [models.Index(fields=["committee", "name"], name="member_committee_name")]

    def __str__(self):
        return self.name
