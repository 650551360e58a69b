"""A notice sent down (下发通知) to committees or branches, each recipient's sign-off (签收) and
replies (信息报送), and their files.

The recipients are a snapshot taken when the notice is sent: one row per committee, branch or
resident unit (驻区单位), which its side (a committee's secretaries and staff, a branch's
secretary, a unit's liaisons) signs and answers.
A reply returned by the sender keeps its reason; the recipient's next reply is a new row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scope import ScopedQuerySet


class Notice(models.Model):
    district = models.ForeignKey(
        "committees.District", on_delete=models.CASCADE, related_name="notices",
        verbose_name=_("district"),
    )
    # Empty: sent by the district (to committees); else by this committee (to its branches and
    # the units it works with).
    sender_committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, null=True, blank=True,
        related_name="sent_notices", verbose_name=_("sent by committee"),
    )
    title = models.CharField(pgettext_lazy("notice", "title"), max_length=200)
    text = models.TextField(_("text"), max_length=10000)
    due_on = models.DateField(_("due date"))
    reply_required = models.BooleanField(_("reply required"), default=False)
    # Past the due date the notice is read-only; the sender may reopen it until a later day.
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notices:notice-detail", args=[self.pk])

    def open_on(self, day) -> bool:
        """Whether recipients may still sign and reply on ``day``."""
        return day <= self.due_on or (self.reopened_until is not None
                                      and day <= self.reopened_until)


class RecipientState(models.TextChoices):
    PENDING = "pending", _("Not signed")
    SIGNED = "signed", _("Signed")
    REPLIED = "replied", _("Replied")
    RETURNED = "returned", _("Reply returned")


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("notice")
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, null=True, blank=True,
        related_name="notice_receipts", verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, null=True, blank=True,
        related_name="notice_receipts", verbose_name=_("branch"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True,
        related_name="notice_receipts", verbose_name=_("unit"),
    )
    state = models.CharField(_("state"), max_length=16, choices=RecipientState.choices,
                             default=RecipientState.PENDING)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("signed by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["notice", "pk"]
        constraints = [
            models.CheckConstraint(
                name="noticerecipient_one_holder",
                condition=Q(committee__isnull=False, branch__isnull=True, unit__isnull=True)
                | Q(committee__isnull=True, branch__isnull=False, unit__isnull=True)
                | Q(committee__isnull=True, branch__isnull=True, unit__isnull=False),
            ),
            models.CheckConstraint(
                name="noticerecipient_signed_when_not_pending",
                condition=Q(state="pending", signed_at__isnull=True)
                | (~Q(state="pending") & Q(signed_at__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["notice", "committee"], condition=Q(committee__isnull=False),
                name="noticerecipient_once_per_committee",
            ),
            models.UniqueConstraint(
                fields=["notice", "branch"], condition=Q(branch__isnull=False),
                name="noticerecipient_once_per_branch",
            ),
            models.UniqueConstraint(
                fields=["notice", "unit"], condition=Q(unit__isnull=False),
                name="noticerecipient_once_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["committee", "state"]),
                   models.Index(fields=["branch", "state"]),
                   models.Index(fields=["unit", "state"])]

    def __str__(self):
        return f"{self.notice} → {self.holder}"

    @property
    def holder(self):
        """The committee, branch or unit that signs and answers this receipt."""
        return self.committee or self.branch or self.unit


class NoticeReply(models.Model):
    recipient = models.ForeignKey(
        NoticeRecipient, on_delete=models.CASCADE, related_name="replies",
        verbose_name=_("recipient"),
    )
    text = models.TextField(_("reply"), max_length=10000)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    return_reason = models.TextField(_("reason for returning"), max_length=2000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["recipient", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="noticereply_returned_with_reason",
                condition=Q(returned_at__isnull=True, return_reason="")
                | (Q(returned_at__isnull=False) & ~Q(return_reason="")),
            ),
        ]

    def __str__(self):
        return f"{self.recipient} #{self.pk}"


def notice_file_path(instance, filename):
    return f"notices/{instance.notice_id}/{instance.token}"


def reply_file_path(instance, filename):
    return f"notices/replies/{instance.reply_id}/{instance.token}"


class StoredFile(models.Model):
    """A private file stored under a random token (``core.uploads.store_upload``)."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class NoticeAttachment(StoredFile):
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice")
    )
    file = models.FileField(_("file"), upload_to=notice_file_path)

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ReplyFile(StoredFile):
    reply = models.ForeignKey(
        NoticeReply, on_delete=models.CASCADE, related_name="files", verbose_name=_("reply")
    )
    file = models.FileField(_("file"), upload_to=reply_file_path)

    class Meta(StoredFile.Meta):
        verbose_name = _("reply file")
        verbose_name_plural = _("reply files")
