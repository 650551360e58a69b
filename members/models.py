import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scope import ScopedQuerySet

from .validators import mask_id_number, mask_mobile


class Category(models.TextChoices):
    SMALL_BUSINESS = "small_business", _("Small business / self-employed (小个专)")
    RETIRED_CADRE = "retired_cadre", _("Retired cadre")
    IN_SERVICE = "in_service", _("In-service")
    RESIDENT = "resident", _("Community resident")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Status(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Member(models.Model):
    """A party member of the district: one record per person, whatever their branch.

    ``committee`` is the committee that manages the member (where they live). Membership is
    held either by a branch of the district or, for an in-service member whose membership stays
    with the employer, by an organisation outside it (text). The ID number is stored once,
    normalised; pages show ``masked_id_number`` unless the viewer is entitled to the full one
    (see ``members.services.member_id_number_reveal``), and the audit log masks it.
    """

    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族", blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined the Party"), null=True, blank=True)
    full_member_on = models.DateField(_("full membership"), null=True, blank=True)
    status = models.CharField(
        _("party status"), max_length=16, choices=Status.choices, default=Status.FULL
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    employer_unit = models.ForeignKey(
        "units.Unit", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="employees", verbose_name=_("employer (resident unit)"),
    )
    employer_name = models.CharField(_("employer"), max_length=100, blank=True)
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="members",
        verbose_name=_("residence committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, null=True, blank=True,
        related_name="members", verbose_name=_("membership branch"),
    )
    # Within the branch, optionally one of its party groups. Membership (组织关系) is the
    # branch's: moving between groups of a branch is an edit, changing branch is a transfer.
    party_group = models.ForeignKey(
        "branches.Branch", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="group_members", verbose_name=_("party group"),
    )
    outside_organisation = models.CharField(
        _("membership held outside the district"), max_length=100, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="member", verbose_name=_("user account"),
    )
    # Search keys, written by the service from the name and mobile (never typed in).
    name_pinyin = models.CharField(max_length=120, blank=True, editable=False)
    name_initials = models.CharField(max_length=30, blank=True, editable=False)
    mobile_tail = models.CharField(max_length=4, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["committee", "name"]
        constraints = [
            models.CheckConstraint(
                name="member_one_membership",
                condition=(
                    Q(branch__isnull=False, outside_organisation="")
                    | (Q(branch__isnull=True) & ~Q(outside_organisation=""))
                ),
                violation_error_message=_(
                    "Membership is held either by a branch of the district or by one "
                    "organisation outside it."
                ),
            ),
            models.CheckConstraint(
                name="member_group_needs_branch",
                condition=Q(party_group__isnull=True) | Q(branch__isnull=False),
                violation_error_message=_("A party group is chosen within the member's branch."),
            ),
            models.CheckConstraint(
                name="member_full_after_joining",
                condition=(
                    Q(full_member_on__isnull=True) | Q(joined_on__isnull=True)
                    | Q(full_member_on__gte=models.F("joined_on"))
                ),
                violation_error_message=_("Full membership cannot come before joining."),
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "name"], name="member_committee_name"),
            models.Index(fields=["branch", "name"], name="member_branch_name"),
            # Prefix searches (LIKE 'x%') on PostgreSQL need pattern opclasses whatever the
            # database collation; other backends ignore opclasses.
            models.Index(fields=["name_initials"], name="member_initials_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="member_pinyin_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["mobile_tail"], name="member_mobile_tail"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:member-detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def membership(self) -> str:
        return self.branch.name if self.branch_id else self.outside_organisation

    @property
    def employer(self) -> str:
        return self.employer_unit.name if self.employer_unit_id else self.employer_name


class CheckInStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("residence check-in", "Checked in")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")


ACTIVE_CHECKIN = [CheckInStatus.PENDING, CheckInStatus.CONFIRMED]


class EndReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Moved away")
    MEMBERSHIP_MOVED = "membership_moved", _("Membership moved into a branch of the community")
    LEFT_THE_PARTY = "left_the_party", _("Left the Party")
    DIED = "died", _("Passed away")
    OTHER = "other", _("Other")


class InServiceGroup(models.Model):
    """An in-service member group (在职党员小组) of a committee: not a branch. It has a leader
    (组长), no secretary, no term, no 三会一课 and no appraisal, and is never counted as a
    branch. Its members are derived: the confirmed check-ins (报到) placed in it
    (``CheckIn.group``). A committee may split its checked-in members into several groups (by
    building, grid or team); a confirmed check-in in no group still belongs to the committee's
    in-service members."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="in_service_groups",
        verbose_name=_("committee"),
    )
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups_led",
        verbose_name=_("group leader"),
    )
    description = models.CharField(
        _("covers"), max_length=200, blank=True,
        help_text=_("For example the buildings, grid or team the group gathers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("in-service member group")
        verbose_name_plural = _("in-service member groups")
        ordering = ["committee", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"], name="inservicegroup_unique_name",
                violation_error_message=_("This committee already has a group of that name."),
            ),
        ]

    def __str__(self):
        return self.name


class CheckIn(models.Model):
    """An in-service member's check-in (报到) to the community where they live.

    One active (pending or confirmed) check-in per member, enforced by the database; moving
    house ends the old one, and the history stays with its dates.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("member")
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="checkins",
        verbose_name=_("residence committee"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CheckInStatus.choices, default=CheckInStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True)
    started_on = models.DateField(_("checked in on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("note"), max_length=200, blank=True)
    group = models.ForeignKey(
        InServiceGroup, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="checkins", verbose_name=_("in-service member group"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(status__in=["pending", "confirmed"]),
                name="checkin_one_active_per_member",
                violation_error_message=_("This member already has an active check-in."),
            ),
            models.CheckConstraint(
                name="checkin_returned_has_reason",
                condition=~Q(status="returned") | ~Q(return_reason=""),
                violation_error_message=_("Say why the check-in is returned."),
            ),
            models.CheckConstraint(
                name="checkin_ended_has_reason",
                condition=~Q(status="ended") | ~Q(end_reason=""),
                violation_error_message=_("Say why the check-in ends."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.committee}"


class Transfer(models.Model):
    """A transfer of membership (组织关系转接) between branches, kept as history."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    from_branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("from branch"),
    )
    from_outside = models.CharField(_("from outside the district"), max_length=100, blank=True)
    to_branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("to branch"),
    )
    transferred_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="transfer_changes_branch",
                condition=Q(from_branch__isnull=True) | ~Q(from_branch=models.F("to_branch")),
                violation_error_message=_("The member is already in that branch."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.to_branch} ({self.transferred_on})"


class CommitmentCategory(models.TextChoices):
    STUDY = "study", _("Study and improvement")
    SERVICE = "service", _("Volunteer service")
    NEIGHBOURS = "neighbours", _("Helping neighbours")
    GOVERNANCE = "governance", _("Community governance")
    OTHER = "other", pgettext_lazy("commitment category", "Other")


class CommitmentMeasure(models.TextChoices):
    """How fulfilment will be seen, in the portal's own records (never typed figures)."""

    ACTIVITIES = "activities", _("Activities attended")
    HOURS = "hours", _("Volunteer hours")
    MATTER = "matter", _("A matter taken on")


class CommitmentOutcome(models.TextChoices):
    KEPT = "kept", _("Kept")
    PARTLY = "partly", _("Partly kept")
    NOT_KEPT = "not_kept", _("Not kept")


# The committee reviews a year's commitments from this day of December (month, day) on.
REVIEW_OPENS = (12, 1)


class Commitment(models.Model):
    """A member's commitment (承诺) for a year, made to a committee (where they live, or where
    they hold a seat) and posted on its board; several a year. Fulfilment is read from the
    records (attendance, hours, matters, activities organised) plus dated notes; at the
    year's end the committee reviews it (kept, partly kept, not kept, with a remark)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("member")
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="commitments",
        verbose_name=_("committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("commitment"), max_length=500)
    category = models.CharField(
        _("category"), max_length=12, choices=CommitmentCategory.choices,
        default=CommitmentCategory.SERVICE,
    )
    measure = models.CharField(
        _("how it will be seen"), max_length=12, choices=CommitmentMeasure.choices,
        default=CommitmentMeasure.ACTIVITIES,
    )
    target = models.PositiveSmallIntegerField(
        _("target"), null=True, blank=True,
        help_text=_("How many activities or hours in the year; empty for a matter taken on."),
    )
    public = models.BooleanField(
        _("post on the public board"), default=False,
        help_text=_("Shown with the name only: no contact details, no ID number."),
    )
    outcome = models.CharField(
        pgettext_lazy("commitment", "outcome"), max_length=12, choices=CommitmentOutcome.choices,
        blank=True,
    )
    review_remark = models.TextField(_("remark"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-year", "pk"]
        indexes = [models.Index(fields=["committee", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(reviewed_at__isnull=False),
                name="commitment_outcome_has_review",
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.year}"

    @staticmethod
    def review_opens(year: int) -> datetime.date:
        """The first day the committee may review ``year``'s commitments."""
        return datetime.date(year, *REVIEW_OPENS)


class CommitmentNote(models.Model):
    """A dated note on how a commitment is being kept, by the member or the committee's side."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="notes", verbose_name=_("commitment")
    )
    written_on = models.DateField(_("date"))
    text = models.TextField(pgettext_lazy("commitment", "note"), max_length=500)
    by_secretary = models.BooleanField(_("by the committee"), default=False, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment note")
        verbose_name_plural = _("commitment notes")
        ordering = ["written_on", "pk"]

    def __str__(self):
        return f"{self.commitment} {self.written_on}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class Appraisal(models.Model):
    """Democratic appraisal (民主评议党员): one rating per member per year, by their branch."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="appraisals", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="appraisals",
        verbose_name=_("branch"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"], name="appraisal_one_per_member_year",
                violation_error_message=_("This member is already rated for that year."),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.year}: {self.get_rating_display()}"


class SignUpStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class SignUp(models.Model):
    """A member's own registration (自助注册): pending until the committee's secretary approves
    it (a Member is created and linked to the account) or returns it with a reason.

    The ID number is kept here only while the sign-up waits; approval moves it to the Member
    and returning it clears it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signup",
        verbose_name=_("user account"),
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="signups",
        verbose_name=_("residence committee"),
    )
    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    organisation = models.CharField(_("membership held by"), max_length=100)
    status = models.CharField(
        _("status"), max_length=16, choices=SignUpStatus.choices, default=SignUpStatus.PENDING
    )
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True)
    member = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="signup"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("self-registration", "sign-up")
        verbose_name_plural = pgettext_lazy("self-registration", "sign-ups")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(status="pending"),
                name="signup_one_pending_per_id_number",
                violation_error_message=_("A sign-up with this ID number is already waiting."),
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.committee}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    REFUSED = "refused", _("File refused")
    INVALID = "invalid", _("Rows to correct")
    READY = "ready", _("Ready to import")
    CONFIRMED = "confirmed", _("Waiting to be imported")
    WRITING = "writing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class RosterImport(models.Model):
    """One upload of a roster file into a committee: checked, previewed, then (on confirmation)
    written all at once. See ``members.imports`` (reading, checking) and
    ``members.import_services`` (start, confirm) and ``members.import_writes`` (the steps).

    The file's bytes are kept only until the import is written or given up (they hold ID
    numbers); ``report`` holds counts and masked preview rows, never a full ID number. An
    import with rows to correct keeps, for ``KEEP_CORRECTIONS``, the file to correct
    (``members.import_sheets.corrections_xlsx``: the upload with the problems of each row,
    full ID numbers included) for its uploader to download; a daily task purges it after.
    """

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="roster_imports",
        verbose_name=_("committee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False, default=b"")
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    to_add = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    corrections = models.BinaryField(editable=False, default=b"")
    # The check's good rows and what they were checked against (``members.imports.kept_rows``),
    # so the write step need not read the file again. Full ID numbers: kept and dropped with
    # ``content``.
    checked = models.JSONField(default=dict, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.committee} {self.filename}"

    def get_absolute_url(self):
        return reverse("members:roster-import-detail", args=[self.pk])

    # A step that has not finished after this long has lost its worker (its transaction rolled
    # back, so nothing was written): the import may then be discarded.
    STALLED_AFTER = timezone.timedelta(minutes=30)
    # An import ready to write that nobody confirmed is dropped after this long, and an import
    # with rows to correct drops its file to correct (both hold ID numbers).
    KEEP_UNCONFIRMED = timezone.timedelta(days=1)
    KEEP_CORRECTIONS = timezone.timedelta(days=1)

    @property
    def busy(self) -> bool:
        return self.status in (
            ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.CONFIRMED,
            ImportStatus.WRITING,
        )

    @property
    def stalled(self) -> bool:
        return self.busy and self.updated_at < timezone.now() - self.STALLED_AFTER

    @property
    def corrections_kept(self) -> bool:
        """Whether the file of rows to correct is still kept (read without loading it)."""
        return (
            self.status == ImportStatus.INVALID and self.finished_at is not None
            and self.finished_at > timezone.now() - self.KEEP_CORRECTIONS
        )



# A member's requests to correct their record live in their own module (this one is long).
from .correction_models import (  # noqa: E402, F401
    APPLIED_FIELDS,
    MASKED_FIELDS,
    CorrectionField,
    CorrectionRequest,
    CorrectionStatus,
)
