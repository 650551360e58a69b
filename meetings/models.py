"""Meetings (一月一例会, 三会一课 …) and matters (一事一议).

These models began in the ``activities`` app; their tables keep the names they had there
(``db_table``), so moving them to this app changed no row (docs/decisions.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scope import ScopedQuerySet


class MeetingKind(models.TextChoices):
    # held by a committee
    MONTHLY = "monthly", _("Monthly meeting")  # 一月一例会
    COMMITTEE_WORK = "committee_work", _("Committee work meeting")  # 委员会工作会议
    JOINT = "joint", _("Joint party-building meeting")  # 联合党建会议 (with units)
    # held by the committee with the branches it invites (共同上党课、一道过组织生活): each
    # invited branch that adopts it counts it as its own party lecture / organisational life
    JOINT_LECTURE = "joint_lecture", _("Joint party lecture")  # 共同上党课
    JOINT_ORG_LIFE = "joint_org_life", _("Joint organisational life")  # 共同过组织生活
    # held by a branch (三会一课 and the rest)
    BRANCH_ASSEMBLY = "branch_assembly", _("Branch assembly")  # 支部党员大会
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee meeting")  # 支委会
    GROUP = "group", _("Party group meeting")  # 党小组会
    LECTURE = "lecture", _("Party lecture")  # 党课
    ORG_LIFE = "org_life", _("Organisational-life meeting")  # 组织生活会
    THEMED_DAY = "themed_day", _("Themed party day")  # 主题党日
    APPRAISAL = "appraisal", _("Democratic appraisal")  # 民主评议党员


COMMITTEE_KINDS = (
    MeetingKind.MONTHLY, MeetingKind.COMMITTEE_WORK, MeetingKind.JOINT,
    MeetingKind.JOINT_LECTURE, MeetingKind.JOINT_ORG_LIFE,
)
# A joint meeting of the branches and the branch kind it counts as for each that adopts it.
JOINT_COUNTS_AS = {
    MeetingKind.JOINT_LECTURE: MeetingKind.LECTURE,
    MeetingKind.JOINT_ORG_LIFE: MeetingKind.ORG_LIFE,
}
BRANCH_KINDS = tuple(k for k in MeetingKind if k not in COMMITTEE_KINDS)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    SIGNED_OFF = "signed_off", _("Minutes signed off")


class Meeting(models.Model):
    """A meeting held by a committee (``branch`` empty) or by one of its branches or party
    groups. After its minutes are signed off they are read-only; corrections are addenda."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="meetings",
        verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, null=True, blank=True,
        related_name="meetings", verbose_name=_("branch or party group"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    venue = models.ForeignKey(
        "committees.Venue", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="meetings", verbose_name=_("venue"),
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chair"), max_length=50, blank=True)
    recorder = models.CharField(_("recorder"), max_length=50, blank=True)
    units = models.ManyToManyField(
        "units.Unit", blank=True, related_name="meetings", verbose_name=_("units taking part")
    )
    invitees = models.CharField(
        _("invitees"), max_length=300, blank=True,
        help_text=_("Guests invited besides the expected attendees, e.g. street officials."),
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True,
                                         editable=False)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_meeting"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "kind", "starts_at"]),
            models.Index(fields=["branch", "kind", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_holder_matches_kind",
                condition=Q(kind__in=[k.value for k in COMMITTEE_KINDS], branch__isnull=True)
                | (~Q(kind__in=[k.value for k in COMMITTEE_KINDS]) & Q(branch__isnull=False)),
                violation_error_message=_(
                    "A committee holds monthly, work and joint meetings; a branch the others."
                ),
            ),
            models.CheckConstraint(
                name="meeting_signed_off_has_time",
                condition=~Q(status="signed_off") | Q(signed_off_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", args=[self.pk])


class JointInvitation(models.Model):
    """A branch (a residents' or retired cadres' branch, or a unit's party organisation)
    invited to a committee's joint party lecture or joint organisational life. Once its
    secretary adopts it, the meeting counts toward the branch's own 三会一课 as the kind in
    ``JOINT_COUNTS_AS``, in the month it was held, if at least one of the branch's members
    attended (``meetings.compliance``)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="joint_invitations",
        verbose_name=_("meeting"),
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="joint_invitations",
        verbose_name=_("branch"),
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True, editable=False)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting invitation")
        verbose_name_plural = _("joint meeting invitations")
        ordering = ["meeting", "branch", "pk"]
        indexes = [models.Index(fields=["branch", "adopted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "branch"], name="jointinvitation_once"),
        ]

    def __str__(self):
        return f"{self.branch} @ {self.meeting}"

    @property
    def adopted(self) -> bool:
        return self.adopted_at is not None


class MeetingAttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEAVE = "leave", _("Absent with leave")
    ABSENT = "absent", _("Absent")


class MeetingAttendance(models.Model):
    """One expected attendee (a member, or a unit's representative by name) and whether they
    came. Rows are made when the meeting is planned, from its holder."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, null=True, blank=True,
        related_name="meeting_attendances", verbose_name=_("member"),
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=50)
    status = models.CharField(
        _("attendance"), max_length=10, choices=MeetingAttendanceStatus.choices,
        default=MeetingAttendanceStatus.EXPECTED,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_meetingattendance"
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendances")
        ordering = ["meeting", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=Q(member__isnull=False),
                name="meetingattendance_once",
            ),
            models.CheckConstraint(
                name="meetingattendance_leave_has_reason",
                condition=~Q(status="leave") | ~Q(reason=""),
                violation_error_message=_("Say why the member is absent."),
            ),
        ]

    def __str__(self):
        return f"{self.name} @ {self.meeting}"


class MatterKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")  # 矛盾纠纷
    SERVICE = "service", _("Service need")
    PROPOSAL = "proposal", _("Proposal")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


class MatterStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("matter status", "Open")
    DELIBERATED = "deliberated", _("Deliberated")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated")


class MatterOutcome(models.TextChoices):
    """How a closed matter ended: at the grass roots (on the spot or by deliberation) or
    above them (上报). Empty while the matter is still being dealt with."""

    ON_THE_SPOT = "on_the_spot", _("Mediated on the spot")  # 现场调解
    DELIBERATED = "deliberated", _("Resolved by deliberation")  # 议事解决
    ESCALATED = "escalated", _("Escalated")  # 上报


GRASS_ROOTS = (MatterOutcome.ON_THE_SPOT, MatterOutcome.DELIBERATED)


class VisitPlace(models.TextChoices):
    HOUSEHOLD = "household", _("Household")  # 住户
    SHOP = "shop", _("Shop")  # 商户


class Visit(models.Model):
    """A household or shop visited (走街串户): who went, where (an address, never an ID
    number), when and what they heard. A visit may raise matters (``Matter.visit``)."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="visits",
        verbose_name=_("committee"),
    )
    visited_on = models.DateField(_("visited on"))
    place_kind = models.CharField(_("household or shop"), max_length=10,
                                  choices=VisitPlace.choices, default=VisitPlace.HOUSEHOLD)
    address = models.CharField(
        _("address"), max_length=200,
        help_text=_("Street, building and door, or the shop's name and number. No ID numbers."),
    )
    heard = models.TextField(
        _("what was heard"), max_length=2000,
        help_text=_("What the household or shop said: worries, needs, signs of a dispute."),
    )
    visitors = models.ManyToManyField(
        "members.Member", related_name="visits", verbose_name=_("visited by"),
    )
    team = models.ForeignKey(
        "activities.ServiceTeam", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="visits", verbose_name=_("volunteer team"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["committee", "-visited_on"], name="visit_committee_day")]

    def __str__(self):
        return f"{self.address} {self.visited_on}"

    def get_absolute_url(self):
        return reverse("meetings:visit-detail", args=[self.pk])


class Matter(models.Model):
    """One matter, one deliberation (一事一议): raised, deliberated at meetings (as agenda
    items), decided, followed to resolution or escalated to the street or district.

    Early warning (抓早抓小): a matter may come from a visit, carry the risk of a petition
    (上访苗头, ``risk_flag``), name the member who mediated it on the spot, and, once closed,
    say how it ended (``outcome``)."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="matters",
        verbose_name=_("committee"),
    )
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=MatterKind.choices)
    raised_by_member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("raised by (member)"),
    )
    raised_by_unit = models.ForeignKey(
        "units.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("raised by (unit)"),
    )
    raised_by_name = models.CharField(
        _("raised by (resident)"), max_length=50, blank=True,
        help_text=_("A resident's name, when neither a member nor a unit raised it."),
    )
    parties = models.CharField(_("parties"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    raised_on = models.DateField(_("raised on"))
    decision = models.TextField(_("decision"), max_length=4000, blank=True)
    responsible_member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible person"),
    )
    responsible_team = models.ForeignKey(
        "activities.ServiceTeam", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="matters", verbose_name=_("responsible volunteer team"),
    )
    responsible_unit = models.ForeignKey(
        "units.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible unit"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MatterStatus.choices, default=MatterStatus.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    escalated_to = models.CharField(
        _("escalated to"), max_length=100, blank=True,
        help_text=_("The street or district office."),
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="matters",
        verbose_name=_("raised at the visit"), editable=False,
    )
    risk_flag = models.BooleanField(
        _("risk of escalation (上访苗头)"), default=False,
        help_text=_("The dispute could lead to a petition: it comes first on the lists."),
    )
    mediator = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("mediator on the spot"),
    )
    outcome = models.CharField(
        pgettext_lazy("matter", "outcome"), max_length=12, choices=MatterOutcome.choices,
        blank=True, editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_matter"
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["committee", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                name="matter_resolved_has_date",
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
            ),
            models.CheckConstraint(
                name="matter_escalated_has_target",
                condition=~Q(status="escalated") | ~Q(escalated_to=""),
                violation_error_message=_("Say where the matter was escalated to."),
            ),
            # How it ended is said once it is closed, and only then: a resolved matter ended
            # at the grass roots or above them (escalated, then resolved by the street), an
            # escalated one above them. (The mediator of one mediated on the spot is asked for
            # by the service, not here: deleting that member empties the field.)
            models.CheckConstraint(
                name="matter_outcome_follows_status",
                condition=(
                    Q(status__in=["open", "deliberated", "in_progress"], outcome="")
                    | Q(status="resolved",
                        outcome__in=["on_the_spot", "deliberated", "escalated"])
                    | Q(status="escalated", outcome="escalated")
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:matter-detail", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("item"), max_length=200)
    matter = models.ForeignKey(
        Matter, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items",
        verbose_name=_("matter deliberated"),
    )
    discussion = models.TextField(_("discussion"), max_length=4000, blank=True)
    decision = models.TextField(_("decision"), max_length=2000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_agendaitem"
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class MinutesAddendum(models.Model):
    """A correction to signed-off minutes: the minutes stay as signed, the addendum follows."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="addenda", verbose_name=_("meeting")
    )
    text = models.TextField(_("addendum"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_minutesaddendum"
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return f"{self.meeting} +{self.pk}"


def attachment_path(instance, filename):
    return f"meetings/{instance.meeting_id}/{instance.token}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_meetingattachment"
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["meeting", "created_at", "pk"]

    def __str__(self):
        return self.name


class MatterFollowUp(models.Model):
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("matter")
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("follow-up"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "activities_matterfollowup"
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["matter", "on", "pk"]

    def __str__(self):
        return f"{self.matter} {self.on}"
