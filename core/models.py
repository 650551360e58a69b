from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class Role(models.TextChoices):
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMITTEE_SECRETARY = "committee_secretary", _("Committee secretary")
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")


class RoleAssignment(models.Model):
    """Gives a user a scope: the district, one committee, one branch or one unit.

    A member's own scope (themselves) comes from ``members.Member.user`` and needs no row here.
    A user may hold several assignments.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "committees.District", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("district"),
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("branch"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="roleassignment_target_matches_role",
                condition=(
                    Q(role="district_officer", district__isnull=False, committee__isnull=True,
                      branch__isnull=True, unit__isnull=True)
                    | Q(role__in=["committee_secretary", "committee_staff"],
                        district__isnull=True, committee__isnull=False,
                        branch__isnull=True, unit__isnull=True)
                    | Q(role="branch_secretary", district__isnull=True, committee__isnull=True,
                        branch__isnull=False, unit__isnull=True)
                    | Q(role="unit_liaison", district__isnull=True, committee__isnull=True,
                        branch__isnull=True, unit__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"], condition=Q(district__isnull=False),
                name="roleassignment_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "committee"], condition=Q(committee__isnull=False),
                name="roleassignment_unique_committee",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "branch"], condition=Q(branch__isnull=False),
                name="roleassignment_unique_branch",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"], condition=Q(unit__isnull=False),
                name="roleassignment_unique_unit",
            ),
        ]

    def __str__(self):
        target = self.district or self.committee or self.branch or self.unit
        return f"{self.user} · {self.get_role_display()} · {target}"


class Notification(models.Model):
    """An in-app reminder (the bell): one per user and ``key``, so a reminder job that runs
    twice, or is retried, leaves one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=150)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text
