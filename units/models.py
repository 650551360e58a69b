from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
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
    # Its party organisation: a branch of kind "resident unit" in a committee (``Branch.unit``),
    # or, when the organisation is outside the district, its name here.
    party_organisation_name = models.CharField(
        _("party organisation outside the district"), max_length=100, blank=True,
        help_text=_("Only when the unit's party organisation is not a branch in the district."),
    )
    # Reported by the unit, for an organisation whose members are not kept in the portal;
    # otherwise the count is of the members whose branch is its organisation.
    party_member_count = models.PositiveIntegerField(
        _("party members (reported)"), default=0,
        help_text=_("Only for a party organisation whose members are not kept in the portal: "
                    "otherwise the portal counts them."),
    )

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

    def get_absolute_url(self):
        return reverse("units:unit-detail", args=[self.pk])


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    ENDED = "ended", _("Ended")


EXPIRY_WARNING_DAYS = 30


class Agreement(models.Model):
    """A co-building agreement (共建协议) between a resident unit and a committee.

    The stored status is draft, in force or ended; an agreement in force whose term is over
    *reads* as expired (``current_status``; ``Agreement.objects.expired()``), so no nightly job
    has to flip it.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("resident unit")
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.PROTECT, related_name="agreements",
        verbose_name=_("committee"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("term start"))
    ends_on = models.DateField(_("term end"))
    committee_commits = models.TextField(_("the committee commits"), max_length=2000)
    unit_commits = models.TextField(_("the unit commits"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, default=AgreementStatus.DRAFT,
        choices=[c for c in AgreementStatus.choices if c[0] != AgreementStatus.EXPIRED],
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-building agreement")
        verbose_name_plural = _("co-building agreements")
        ordering = ["-starts_on", "unit__name"]
        constraints = [
            models.CheckConstraint(
                name="agreement_term_in_order", condition=Q(ends_on__gte=F("starts_on")),
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="agreement_ended_has_date",
                condition=~Q(status="ended") | Q(ended_on__isnull=False),
                violation_error_message=_("Say when the agreement ended."),
            ),
        ]
        indexes = [models.Index(fields=["committee", "status", "ends_on"])]

    def __str__(self):
        return f"{self.unit} × {self.committee}"

    def get_absolute_url(self):
        return reverse("units:agreement-detail", args=[self.pk])

    @staticmethod
    def in_force_q(prefix: str = "") -> Q:
        """Agreements in force today (stored in force, term not over), as a filter; ``prefix``
        reaches them through a relation, e.g. ``"agreements__"``. The one place the rule is
        written for queries; ``current_status`` is the same rule for one agreement."""
        return Q(**{f"{prefix}status": AgreementStatus.IN_FORCE,
                    f"{prefix}ends_on__gte": timezone.localdate()})

    @property
    def current_status(self) -> str:
        if self.status == AgreementStatus.IN_FORCE and self.ends_on < timezone.localdate():
            return AgreementStatus.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return AgreementStatus(self.current_status).label

    @property
    def expiring_soon(self) -> bool:
        today = timezone.localdate()
        return (
            self.current_status == AgreementStatus.IN_FORCE
            and (self.ends_on - today).days <= EXPIRY_WARNING_DAYS
        )


class ListKind(models.TextChoices):
    """What a need asks for and a resource offers: matching pairs them by kind."""

    VENUE = "venue", _("Venue")
    FUNDS = "funds", _("Funds")
    VOLUNTEERS = "volunteers", _("Volunteers")
    EXPERTISE = "expertise", _("Expertise")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Urgent")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    MET = "met", _("Met")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Need(models.Model):
    """An item of the needs list (需求清单), raised by a committee or one of its branches."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="needs",
        verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="needs", verbose_name=_("raised by branch"),
    )
    title = models.CharField(_("what is needed"), max_length=100)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ListKind.choices)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["status", "-raised_on", "-pk"]
        indexes = [models.Index(fields=["committee", "status", "kind"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("units:need-detail", args=[self.pk])


class ResourceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    COMMITTED = "committed", _("Committed to a project")
    USED = "used", _("Used")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Resource(models.Model):
    """An item of the resources list (资源清单): what a unit offers a committee."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="resources", verbose_name=_("resident unit")
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="resources",
        verbose_name=_("offered to"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ListKind.choices)
    description = models.CharField(_("what is offered"), max_length=200)
    quantity = models.CharField(
        _("quantity"), max_length=50, blank=True, help_text=_("e.g. 3 rooms, 20 volunteers")
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("For money, or what the thing is worth."),
    )
    available = models.CharField(
        _("when available"), max_length=100, blank=True, help_text=_("e.g. weekends")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResourceStatus.choices,
        default=ResourceStatus.OFFERED,
    )
    offered_on = models.DateField(_("offered on"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["status", "-offered_on", "-pk"]
        indexes = [models.Index(fields=["committee", "status", "kind"])]

    def __str__(self):
        return f"{self.unit}: {self.description}"

    def get_absolute_url(self):
        return reverse("units:resource-update", args=[self.pk])


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    PUBLICISED = "publicised", _("Publicised")


class Project(models.Model):
    """An item of the projects list (项目清单): a need met with units' resources."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="projects",
        verbose_name=_("committee"),
    )
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects",
        verbose_name=_("need"),
    )
    title = models.CharField(_("title"), max_length=100)
    owner = models.CharField(_("owner"), max_length=50, help_text=_("Who answers for it."))
    plan = models.TextField(_("plan"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices,
        default=ProjectStatus.PROPOSED,
    )
    resources = models.ManyToManyField(
        Resource, blank=True, related_name="projects", verbose_name=_("resources")
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="projects", verbose_name=_("units taking part")
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["committee", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("units:project-detail", args=[self.pk])
