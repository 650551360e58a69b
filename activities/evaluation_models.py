"""Two-way evaluation (双向评价) of in-service members' service in the community where they
checked in (报到): the community rates each member's service for a year (``ServiceRating``),
and the member rates the community's organisation of service (``CommunityRating``),
anonymously.

Anonymity is kept by the schema, not by the views: who rated (``CommunityBallot``: member,
committee, year; one each, enforced by the database) and what was rated (``CommunityRating``:
committee, year, score; no member, no time, a random key) are two tables with nothing that
joins them, and only the ballot is in the audit log. No page, export or audit entry can name a
rater. See ``activities.evaluation`` for the small-count rule (figures shown only from
``MIN_SHOWN`` ratings).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scope import ScopedQuerySet
from members.models import Rating


class ServiceRating(models.Model):
    """The community's rating of an in-service member's service for a year: one per check-in
    (报到) and year, with a remark. The figures it rests on (activities attended, volunteer
    hours) are never stored here: every page computes them from the attendance records."""

    checkin = models.ForeignKey(
        "members.CheckIn", on_delete=models.CASCADE, related_name="service_ratings",
        verbose_name=_("check-in"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("rated by"),
    )
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "year"], name="servicerating_one_per_checkin_year",
                violation_error_message=_("This member's service is already rated for that year."),
            ),
            models.CheckConstraint(
                name="servicerating_year_range", condition=Q(year__gte=2000, year__lte=2100),
            ),
        ]

    def __str__(self):
        return f"{self.checkin} {self.year}: {self.get_rating_display()}"


class Satisfaction(models.IntegerChoices):
    """A member's rating of the community's organisation of service."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIR = 3, _("Fair")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class CommunityBallot(models.Model):
    """That a member rated a community for a year: who, never what (one per member, committee
    and year). The member reads their own; nobody else has a page of them."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="community_ballots",
        verbose_name=_("member"),
    )
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("community rating ballot")
        verbose_name_plural = _("community rating ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "committee", "year"], name="communityballot_once_per_year",
                violation_error_message=_("You have already rated this community for that year."),
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.committee} {self.year}"


class CommunityRating(models.Model):
    """What a member rated a community's organisation of service for a year: no member, no
    time, a random primary key (so neither an order nor a moment ties it to its ballot).
    Read only as counts per committee (``activities.evaluation``); not in the audit log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="community_ratings",
        verbose_name=_("committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.PositiveSmallIntegerField(_("rating"), choices=Satisfaction.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("community rating")
        verbose_name_plural = _("community ratings")
        constraints = [
            models.CheckConstraint(
                name="communityrating_score_range", condition=Q(score__gte=1, score__lte=5),
            ),
        ]
        indexes = [models.Index(fields=["committee", "year"], name="communityrating_year")]

    def __str__(self):
        return f"{self.committee} {self.year}"
