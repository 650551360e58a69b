from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class BranchKind(models.TextChoices):
    RESIDENTS = "residents", _("Residents' branch")
    RETIREES = "retirees", _("Retired cadres' branch")
    UNIT = "unit", _("Resident unit's party organisation")
    IN_SERVICE = "in_service", _("In-service member group")


class Branch(models.Model):
    """One of the committee's four kinds of organisation, or a party group under one (parent).

    A party group's committee is always its parent's: the service sets it, and a database
    trigger (migration 0002) refuses a row that breaks the rule, whatever wrote it.
    """

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="branches",
        verbose_name=_("committee"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BranchKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="groups",
        verbose_name=_("parent branch"),
    )
    name = models.CharField(_("name"), max_length=100)
    secretary = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="branches_led", verbose_name=_("secretary"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="branches",
        verbose_name=_("resident unit"),
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    # The current term (换届): reminders go out six months and one month before it ends.
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["committee", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"], name="branch_unique_name_in_committee",
                violation_error_message=_("This committee already has a branch of that name."),
            ),
            models.CheckConstraint(
                name="branch_not_own_parent", condition=~Q(parent=F("pk")),
                violation_error_message=_("A branch cannot be its own parent."),
            ),
            models.CheckConstraint(
                name="branch_unit_only_for_unit_kind",
                violation_error_message=_(
                    "Only a resident unit's party organisation is linked to a unit."
                ),
                condition=Q(unit__isnull=True) | Q(kind="unit"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:branch-detail", args=[self.pk])

    def clean(self):
        if self.parent_id is None:
            return
        parent = self.parent
        errors = {}
        if parent.parent_id is not None:
            errors["parent"] = _("A party group sits under a branch, not under another group.")
        if self.committee_id and parent.committee_id != self.committee_id:
            errors["parent"] = _("A party group belongs to its parent branch's committee.")
        if self.kind and parent.kind != self.kind:
            errors["kind"] = _("A party group has the same kind as its parent branch.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_group(self):
        return self.parent_id is not None
