from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet


class BranchKind(models.TextChoices):
    RESIDENTS = "residents", _("Residents' branch")
    RETIREES = "retirees", _("Retired cadres' branch")
    UNIT = "unit", _("Resident unit's party organisation")


# The kinds of branch a committee owns and answers for (its compliance, its 报到 rule); a unit's
# party organisation is coordinated, not owned (彼此不隶属).
OWN_KINDS = (BranchKind.RESIDENTS, BranchKind.RETIREES)

# The kinds a party branch (党支部) or its party groups may have. The in-service member group
# (在职党员小组) is not a branch: it is ``members.InServiceGroup``, made of confirmed check-ins.


class BranchQuerySet(ScopedQuerySet):
    def of_committee(self, committee):
        """The branches a committee works with: its own residents' and retired cadres'
        branches, and the units' party organisations that are its member organisations today
        (top-level only, party groups left out)."""
        memberships = CommitteeMembership.objects.filter(
            CommitteeMembership.current_q(), committee=committee
        ).values("branch_id")
        return self.filter(
            Q(committee=committee, kind__in=OWN_KINDS)
            | Q(pk__in=memberships),
            parent__isnull=True,
        )


class Branch(models.Model):
    """A party branch (党支部) of a committee, or a party group (党小组) under one (``parent``).

    - Residents' and retired cadres' branches belong to their committee.
    - A resident unit's party organisation exists once (one per unit): ``committee`` is the
      committee that keeps its record; it is a *member organisation* of one or more committees
      through ``CommitteeMembership`` (彼此不隶属: coordinated, not owned).
    - A party group has a leader (组长, kept in ``secretary``), no term and no membership of its
      own: a member's 组织关系 is always a branch (``Member.branch``), and within it optionally
      a group (``Member.party_group``).

    A party group's committee is always its parent's: the service sets it, and a database
    trigger (migration 0003) refuses a row that breaks the rule, whatever wrote it.
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

    objects = BranchQuerySet.as_manager()

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
            models.UniqueConstraint(
                fields=["unit"], condition=Q(unit__isnull=False, parent__isnull=True),
                name="branch_one_organisation_per_unit",
                violation_error_message=_(
                    "This unit's party organisation is already registered: add it to the "
                    "committee as a member organisation instead."
                ),
            ),
            models.CheckConstraint(
                name="branch_kind_is_a_branch",
                condition=Q(kind__in=["residents", "retirees", "unit"]),
                violation_error_message=_("Choose the kind of branch."),
            ),
            models.CheckConstraint(
                name="branch_group_has_no_term",
                condition=(
                    Q(parent__isnull=True) | Q(term_start__isnull=True, term_end__isnull=True)
                ),
                violation_error_message=_("A party group has a leader, not a term."),
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

    @property
    def leader(self):
        """A party group's leader (组长); a branch's secretary under its own name."""
        return self.secretary


class CommitteeMembership(models.Model):
    """A resident unit's party organisation as a member organisation of a committee's 大党委,
    from a date (and until one). The committee coordinates it; it does not own it: the
    organisation keeps its own secretary and 三会一课, which the committee sees but is not held
    responsible for in its compliance."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="organisation_memberships",
        verbose_name=_("committee"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("party organisation"),
    )
    joined_on = models.DateField(_("member organisation since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = ["committee", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "branch"], condition=Q(left_on__isnull=True),
                name="membership_one_current_per_committee",
                violation_error_message=_(
                    "This organisation is already a member organisation of the committee."
                ),
            ),
            models.CheckConstraint(
                name="membership_leaves_after_joining",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                violation_error_message=_("It cannot leave before it joined."),
            ),
        ]

    def __str__(self):
        return f"{self.branch} ∈ {self.committee}"

    @property
    def current(self) -> bool:
        return self.left_on is None or self.left_on >= timezone.localdate()

    @staticmethod
    def current_q(prefix: str = "") -> Q:
        """Memberships in force today, as a filter (``prefix`` reaches them through a
        relation, e.g. ``"memberships__"``)."""
        return Q(**{f"{prefix}left_on__isnull": True}) | Q(
            **{f"{prefix}left_on__gte": timezone.localdate()}
        )
