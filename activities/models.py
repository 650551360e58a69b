"""Co-building activities (共建活动), their funding (四个一点), volunteer teams (志愿服务队),
sign-ups and attendance with volunteer hours."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scope import ScopedQuerySet


class Line(models.TextChoices):
    """The four joint lines (四联) an activity belongs to."""

    PARTY_BUILDING = "party_building", _("Joint party building")  # 党建联创
    PUBLIC_WELFARE = "public_welfare", _("Joint public welfare")  # 公益联办
    SERVICE = "service", _("Joint services")  # 服务联做
    SHARED_RESULTS = "shared_results", _("Shared results")  # 成果联享


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for sign-up")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="activities",
        verbose_name=_("committee"),
    )
    project = models.ForeignKey(
        "units.Project", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities", verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=100)
    line = models.CharField(_("line"), max_length=20, choices=Line.choices)
    category = models.CharField(
        _("category"), max_length=30, blank=True,
        help_text=_("For example: culture, study, health, environment."),
    )
    branches = models.ManyToManyField(
        "branches.Branch", blank=True, related_name="activities",
        verbose_name=_("co-organising branches"),
    )
    units = models.ManyToManyField(
        "units.Unit", blank=True, related_name="activities",
        verbose_name=_("co-organising units"),
    )
    teams = models.ManyToManyField(
        "ServiceTeam", blank=True, related_name="activities",
        verbose_name=_("volunteer teams serving"),
    )
    venue = models.ForeignKey(
        "committees.Venue", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities", verbose_name=_("venue"),
    )
    place = models.CharField(
        _("place"), max_length=100, blank=True,
        help_text=_("Where it happens, when it is not one of the committee's venues."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    # Places taken, kept with the row so that sign-ups under its lock never exceed capacity.
    signed_up = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(signed_up__lte=F("capacity")),
                name="activity_within_capacity",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity-detail", args=[self.pk])

    @property
    def default_hours(self) -> Decimal:
        """Volunteer hours an attendance records unless the secretary changes them: the
        activity's length, to the half hour, at most a day's 24."""
        seconds = (self.ends_at - self.starts_at).total_seconds()
        halves = max(1, round(seconds / 1800))
        return min(Decimal(halves) / 2, Decimal(24))


def photo_path(instance, filename):
    return f"activities/{instance.activity_id}/{instance.token}.jpg"


class ActivityPhoto(models.Model):
    """A photo of an activity's outcome, re-encoded as JPEG at most 1600 px on its long side
    (see ``activities.photos``)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.ImageField(_("photo"), upload_to=photo_path, width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.caption or f"{self.activity_id}/{self.pk}"


class FundingSource(models.TextChoices):
    """Where money comes from: 四个一点 (community, volunteers, higher departments, units) and
    the report's other sources."""

    GOVERNMENT = "government", _("Government / higher department")  # 财政支持 / 上级部门拨付
    COMMUNITY = "community", _("Raised by the community")  # 社区自筹
    UNIT = "unit", _("Resident unit sponsorship")  # 驻区单位赞助
    VOLUNTEER = "volunteer", _("Volunteer donations")  # 志愿者捐助
    SOCIAL = "social", _("Social support")  # 社会支援


class FundingState(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    RECEIVED = "received", _("Received")


class Funding(models.Model):
    """One funding line of an activity or a project. ``committee`` is the activity's or the
    project's, kept on the row for scope and totals."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="funding_lines",
        verbose_name=_("committee"), editable=False,
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="funding_lines",
        verbose_name=_("activity"), editable=False,
    )
    project = models.ForeignKey(
        "units.Project", on_delete=models.CASCADE, null=True, blank=True,
        related_name="funding_lines", verbose_name=_("project"), editable=False,
    )
    source = models.CharField(_("source"), max_length=12, choices=FundingSource.choices)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="funding_lines", verbose_name=_("unit"),
    )
    donor = models.CharField(
        _("donor"), max_length=100, blank=True,
        help_text=_("The department, person or organisation giving, when it is not a unit."),
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    state = models.CharField(
        _("state"), max_length=10, choices=FundingState.choices, default=FundingState.PLEDGED
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["committee", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False, project__isnull=True)
                | Q(activity__isnull=True, project__isnull=False),
                name="funding_one_target",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
            models.CheckConstraint(
                condition=~Q(source="unit") | Q(unit__isnull=False),
                name="funding_unit_for_unit_source",
                violation_error_message=_("Choose the unit that sponsors it."),
            ),
        ]

    def __str__(self):
        return f"{self.get_source_display()} ¥{self.amount}"


class TeamKind(models.TextChoices):
    LAW = "law", _("Legal education")  # 普法
    COUNSELLING = "counselling", _("Psychological counselling")  # 心理咨询
    ARTS = "arts", _("Arts and publicity")  # 文艺宣传
    HEALTH = "health", _("Health and convenience")  # 便民健康
    ENVIRONMENT = "environment", _("Environment clean-up")  # 环境整治
    OTHER = "other", _("Other")


class ServiceTeam(models.Model):
    """A volunteer service team (志愿服务队) of a committee."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="service_teams",
        verbose_name=_("committee"),
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    leader = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(
        "members.Member", blank=True, related_name="service_teams", verbose_name=_("members")
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["committee", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "name"], name="serviceteam_unique_name",
                violation_error_message=_("The committee already has a team of that name."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:team-detail", args=[self.pk])


class SignupState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class ActivitySignup(models.Model):
    """A member's place (or place in the queue) at an open activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="signups", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="activity_signups",
        verbose_name=_("member"),
    )
    state = models.CharField(_("state"), max_length=12, choices=SignupState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("activity sign-up", "sign-up")
        verbose_name_plural = pgettext_lazy("activity sign-up", "sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"], condition=~Q(state="cancelled"),
                name="activitysignup_one_active",
                violation_error_message=_("You have already signed up."),
            ),
        ]
        indexes = [models.Index(fields=["activity", "state", "created_at"])]

    def __str__(self):
        return f"{self.member} @ {self.activity}"


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR code")
    ROSTER = "roster", _("Ticked by staff")
    LATE = "late", _("Late check-in")  # 补签


class Attendance(models.Model):
    """One member present at one activity, with the volunteer hours it counts."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="attendances",
        verbose_name=_("member"),
    )
    method = models.CharField(_("method"), max_length=8, choices=AttendanceMethod.choices)
    hours = models.DecimalField(
        _("volunteer hours"), max_digits=5, decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reason = models.CharField(_("reason for late check-in"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"], name="attendance_once",
                violation_error_message=_("Already checked in."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="attendance_hours_range"
            ),
            models.CheckConstraint(
                condition=~Q(method="late") | ~Q(reason=""), name="attendance_late_has_reason",
                violation_error_message=_("Say why the check-in is late."),
            ),
        ]
        indexes = [models.Index(fields=["member", "checked_in_at"])]

    def __str__(self):
        return f"{self.member} @ {self.activity}"


class ImprovementKind(models.TextChoices):
    RENOVATION = "renovation", _("Renovation")  # 装修改造
    NEW_ROOM = "new_room", _("New room")  # 新增用房
    EQUIPMENT = "equipment", _("Equipment")  # 添置设施


class VenueImprovement(models.Model):
    """An improvement to a venue (阵地建设) on a day: a renovation, a new room, equipment,
    with the area it added (m², may be 0 or negative when a room is given up) and the funding
    lines that paid for it. The venue's ``area`` is its area today: recording an improvement
    changes it by ``area_change``; the area on an earlier day is today's less the changes
    dated after it (docs/decisions.md). ``committee`` is the venue's, kept for scope."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="venue_improvements",
        verbose_name=_("committee"), editable=False,
    )
    venue = models.ForeignKey(
        "committees.Venue", on_delete=models.CASCADE, related_name="improvements",
        verbose_name=_("venue"), editable=False,
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=ImprovementKind.choices)
    area_change = models.DecimalField(
        _("area change (m²)"), max_digits=8, decimal_places=1, default=Decimal("0"),
        help_text=_("Square metres added; 0 when the area stays, negative when it shrinks."),
    )
    description = models.CharField(_("description"), max_length=300)
    funding_lines = models.ManyToManyField(
        Funding, through="VenueImprovementFunding", blank=True, related_name="+",
        verbose_name=_("paid by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue improvement")
        verbose_name_plural = _("venue improvements")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["committee", "on"])]

    def __str__(self):
        return f"{self.venue} {self.on} {self.get_kind_display()}"


class VenueImprovementFunding(models.Model):
    """A funding line that paid for an improvement: a line pays for one improvement at most,
    so a yuan is never counted twice across improvements."""

    improvement = models.ForeignKey(
        VenueImprovement, on_delete=models.CASCADE, related_name="payments"
    )
    funding = models.OneToOneField(
        Funding, on_delete=models.CASCADE, related_name="improvement_payment"
    )

    class Meta:
        verbose_name = _("improvement funding line")
        verbose_name_plural = _("improvement funding lines")
        ordering = ["improvement", "funding"]

    def __str__(self):
        return f"{self.improvement} ← {self.funding_id}"
# Two-way evaluation (双向评价) lives in its own module (this one is long).
from .evaluation_models import (  # noqa: E402, F401
    CommunityBallot,
    CommunityRating,
    Satisfaction,
    ServiceRating,
)
