"""A member's request to correct their record (PIPL: the right to have personal data
corrected), and the secretary's decision. Imported into ``members.models``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet

from .validators import mask_id_number, mask_mobile


class CorrectionField(models.TextChoices):
    """What a member may ask to correct: the details their own page shows them."""

    NAME = "name", _("full name")
    ID_NUMBER = "id_number", _("ID number")
    MOBILE = "mobile", _("mobile")
    ADDRESS = "address", _("home address")
    ETHNICITY = "ethnicity", _("ethnicity")
    JOINED_ON = "joined_on", _("joined the Party")
    FULL_MEMBER_ON = "full_member_on", _("full membership")
    EMPLOYER = "employer", _("employer")
    MEMBERSHIP = "membership", _("membership held by")
    OTHER = "other", _("something else")


# Fields whose proposed value the portal writes to the record when the request is accepted
# (through ``members.services.member_save``, so it is validated like an edit). The others
# (employer, membership, something else) are changed by the secretary on the member's edit
# or transfer page: accepting says they did.
APPLIED_FIELDS = frozenset({
    CorrectionField.NAME, CorrectionField.ID_NUMBER, CorrectionField.MOBILE,
    CorrectionField.ADDRESS, CorrectionField.ETHNICITY, CorrectionField.JOINED_ON,
    CorrectionField.FULL_MEMBER_ON,
})
# Fields kept masked on the request: the current value always, the proposed one once decided.
MASKED_FIELDS = {CorrectionField.ID_NUMBER: mask_id_number, CorrectionField.MOBILE: mask_mobile}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the secretary")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class CorrectionRequest(models.Model):
    """One field of a member's record the member says is wrong, with the right value (or a
    note), waiting for whoever may edit the member; accepted (the record says it now) or
    refused with a reason. The member hears of the decision in the bell."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="correction_requests",
        verbose_name=_("member"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("asked by"),
    )
    field = models.CharField(_("what is wrong"), max_length=20, choices=CorrectionField.choices)
    current_value = models.CharField(_("the record says"), max_length=200, blank=True)
    proposed_value = models.CharField(_("the right value"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "field"], condition=Q(status="pending"),
                name="correction_one_pending_per_field",
                violation_error_message=_(
                    "A correction of this is already waiting for the secretary."),
            ),
            models.CheckConstraint(
                name="correction_refused_has_reason",
                condition=~Q(status="refused") | ~Q(reason=""),
                violation_error_message=_("Say why the correction is refused."),
            ),
            models.CheckConstraint(
                name="correction_decided_has_date",
                condition=Q(status="pending") | Q(decided_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["member", "status"], name="correction_member_status")]

    def __str__(self):
        return f"{self.member} · {self.get_field_display()}"

    @property
    def applied(self) -> bool:
        """Whether accepting writes the proposed value to the record."""
        return self.field in APPLIED_FIELDS

    @property
    def is_pending(self) -> bool:
        return self.status == CorrectionStatus.PENDING
