"""Two-way evaluation (双向评价): the reads and writes of ``evaluation_models``.

The community rates the service of each in-service member checked in (报到) there during a
year (``service_ratings_save``), beside the member's record for the year computed from the
attendance records (``activities.feedback.with_record``): the figures are never typed. The
rating and remark go on the employer's feedback sheet (``activities.feedback``).

The member rates the community's organisation of service (``community_rate``) once per
community and year, for the year they were checked in there (this year or the last). The
rating is anonymous: it is written apart from the member's ballot (see
``evaluation_models``), and is read only as figures per committee (``community_figures``).
Below ``MIN_SHOWN`` ratings a committee's average and distribution are not shown at all,
only that there are too few: with one or two ratings the committee (who knows its few
members) could tell who gave which.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import FIRST_YEAR, LAST_YEAR
from members.models import CheckIn, Rating

from .feedback import YEAR, Quarter, labelled, served_in, served_q, with_record
from .models import CommunityBallot, CommunityRating, Satisfaction, ServiceRating

# A committee's members' ratings of it show an average and a distribution only from this many
# ratings of the year (fewer: "too few to show", so that no single rating can be read off).
MIN_SHOWN = 3


def whole_year(year: int) -> Quarter:
    return Quarter(year, YEAR)


# --- the community rates its checked-in members ----------------------------------------------

def year_checkins(committee, year: int):
    """The committee's check-ins (confirmed, or since ended) in force on some day of ``year``,
    by name, each with the member's record for the year and the year's rating
    (``feedback.with_record``). A queryset: the page paginates it; ``labelled`` the page."""
    return with_record(
        CheckIn.objects.filter(served_q(whole_year(year)), committee=committee)
        .select_related("member", "member__branch", "member__employer_unit"),
        committee, whole_year(year),
    ).order_by("member__name", "pk")


def labelled_page(page):
    """The page's rows with their ``rating_label`` (the page keeps the list)."""
    page.object_list = labelled(list(page.object_list))
    return page


def rating_counts(committee, year: int) -> list:
    """How the committee rated its members' service in ``year``: ``{rating: count}`` over
    every rating (one query)."""
    row = ServiceRating.objects.filter(checkin__committee=committee, year=year).aggregate(
        **{r: Count("pk", filter=Q(rating=r)) for r in Rating.values}
    )
    return [(label, row[value]) for value, label in Rating.choices]


@transaction.atomic
def service_ratings_save(*, committee, year: int, changes, user) -> int:
    """Record the ratings changed on the committee's form (``changes``: ``(checkin, rating,
    remark)``; an empty rating removes the year's rating), all or none. Returns how many."""
    for checkin, rating, remark in changes:
        service_rating_set(checkin=checkin, committee=committee, year=year, rating=rating,
                           remark=remark, user=user)
    return len(changes)


def service_rating_set(*, checkin, committee, year: int, rating: str, remark: str, user):
    """The committee's rating and remark of the member's service in ``year``. Only for a
    check-in to this committee in force during that year."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("Choose a year between 2000 and 2100."))
    if checkin.committee_id != committee.pk or not served_in(checkin, whole_year(year)):
        raise ValidationError(_("%(name)s was not checked in here during %(year)s.") % {
            "name": checkin.member.name, "year": year})
    remark = (remark or "").strip()
    if not rating:
        if remark:
            raise ValidationError(_("Choose a rating for %(name)s to go with the remark.") % {
                "name": checkin.member.name})
        for old in ServiceRating.objects.filter(checkin=checkin, year=year):
            old.delete()  # one by one: each deletion is in the audit log
        return None
    if rating not in Rating.values:
        raise ValidationError(_("Choose one of the ratings."))
    rated, _created = ServiceRating.objects.update_or_create(
        checkin=checkin, year=year,
        defaults={"rating": rating, "remark": remark, "rated_by": user},
    )
    return rated


# --- the member rates the community ----------------------------------------------------------

def rating_years() -> list[int]:
    """The years a member may rate a community for: this one and the last (a year's
    ratings are often given in the January after)."""
    this_year = timezone.localdate().year
    return [this_year, this_year - 1]


@dataclass(frozen=True)
class Target:
    """A community a member may rate for a year, and whether they have."""

    committee: object
    year: int
    rated: bool

    @property
    def key(self) -> str:
        return f"{self.committee.pk}-{self.year}"


def community_targets(member) -> list[Target]:
    """The communities the member was checked in to during a rating year, newest year first,
    each with whether they rated it (two queries)."""
    checkins = list(
        CheckIn.objects.filter(member=member).select_related("committee").order_by("pk")
    )
    rated = set(
        CommunityBallot.objects.filter(member=member, year__in=rating_years())
        .values_list("committee_id", "year")
    )
    targets, seen = [], set()
    for year in rating_years():
        for checkin in checkins:
            key = (checkin.committee_id, year)
            if key not in seen and served_in(checkin, whole_year(year)):
                seen.add(key)
                targets.append(Target(checkin.committee, year, key in rated))
    return targets


def community_rate(*, member, committee, year: int, score: int) -> None:
    """The member's anonymous rating of the community's organisation of service in ``year``:
    once, for a community they were checked in to during a rating year. The ballot (who)
    and the rating (what) are written apart, together or not at all."""
    if score not in Satisfaction.values:
        raise ValidationError({"score": _("Choose one of the ratings.")})
    if year not in rating_years() or not any(
        served_in(c, whole_year(year))
        for c in CheckIn.objects.filter(member=member, committee=committee)
    ):
        raise ValidationError({"target": _(
            "You can rate a community only for a year you were checked in there "
            "(this year or the last)."
        )})
    try:
        with transaction.atomic():
            CommunityBallot.objects.create(member=member, committee=committee, year=year)
            CommunityRating.objects.create(committee=committee, year=year, score=score)
    except IntegrityError:
        raise ValidationError({"target": _(
            "You have already rated %(name)s for %(year)s."
        ) % {"name": committee.name, "year": year}}) from None


@dataclass(frozen=True)
class CommunityFigures:
    """Members' ratings of one committee for a year, as shown to anyone: ``count``, and only
    from ``MIN_SHOWN`` ratings the ``average`` (1 to 5, one decimal) and the ``distribution``
    (``(label, count)``, best first); below that both are None."""

    count: int = 0
    average: Decimal | None = None
    distribution: list | None = None

    @property
    def too_few(self) -> bool:
        return 0 < self.count < MIN_SHOWN


def community_figures(committee_ids, year: int) -> dict[int, CommunityFigures]:
    """``CommunityFigures`` per committee of ``committee_ids`` (those with no rating are
    missing: ``CommunityFigures()``). One aggregate query."""
    rows = (
        CommunityRating.objects.filter(committee_id__in=committee_ids, year=year)
        .order_by().values("committee_id")
        .annotate(count=Count("pk"), total=Sum("score"),
                  **{f"s{v}": Count("pk", filter=Q(score=v)) for v in Satisfaction.values})
    )
    figures = {}
    for row in rows:
        count = row["count"]
        if count < MIN_SHOWN:
            figures[row["committee_id"]] = CommunityFigures(count)
            continue
        average = (Decimal(row["total"]) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)
        figures[row["committee_id"]] = CommunityFigures(
            count, average, [(label, row[f"s{value}"]) for value, label in Satisfaction.choices]
        )
    return figures


# --- the district: both directions per committee ---------------------------------------------

def district_evaluations(committees, year: int) -> list[dict]:
    """Per committee of ``committees`` (a list): ``checked_in`` (members checked in during
    the year), ``rated`` (of them, how many the community rated), ``ratings`` (``(label,
    count)`` per rating) and ``community`` (``CommunityFigures`` of its members' ratings of
    it). Three aggregate queries, whatever the number of committees. A member whose check-in
    ended and who checked in again in the year counts once among those checked in."""
    ids = [c.pk for c in committees]
    checked_in = dict(
        CheckIn.objects.filter(served_q(whole_year(year)), committee_id__in=ids)
        .order_by().values("committee_id").annotate(n=Count("member_id", distinct=True))
        .values_list("committee_id", "n")
    )
    rated = {
        row["checkin__committee_id"]: row
        for row in ServiceRating.objects.filter(year=year, checkin__committee_id__in=ids)
        .order_by().values("checkin__committee_id")
        .annotate(**{r: Count("pk", filter=Q(rating=r)) for r in Rating.values})
    }
    community = community_figures(ids, year)
    rows = []
    for committee in committees:
        counts = rated.get(committee.pk, {})
        ratings = [(label, counts.get(value, 0)) for value, label in Rating.choices]
        rows.append({
            "committee": committee,
            "checked_in": checked_in.get(committee.pk, 0),
            "rated": sum(n for _label, n in ratings),
            "ratings": ratings,
            "community": community.get(committee.pk, CommunityFigures()),
        })
    return rows
