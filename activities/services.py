"""Writes of activities: saving one (with its co-organisers and teams), cancelling it,
recording its outcome with photos, removing a photo. Keyword-only; a refusal raises
ValidationError (on the field concerned where there is one) and writes nothing."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import year_range_error

from . import attendance, photos
from .forms import capacity_error
from .models import Activity, ActivityPhoto, ActivityStatus

# The fields a form changes; the rest (places taken, outcome, author) are kept as stored.
EDITABLE = [
    "title", "line", "category", "project", "venue", "place", "starts_at", "ends_at",
    "capacity", "description", "status", "updated_at",
]
FINAL = (ActivityStatus.HELD, ActivityStatus.CANCELLED)


def _relation_errors(activity: Activity, committee, branches, units, teams) -> dict:
    """Everything an activity names must belong to its committee (units: to its district)."""
    errors = {}
    if activity.venue_id and activity.venue.committee_id != committee.pk:
        errors["venue"] = _("Choose a venue of %(name)s.") % {"name": committee.name}
    if activity.project_id and activity.project.committee_id != committee.pk:
        errors["project"] = _("Choose a project of %(name)s.") % {"name": committee.name}
    if branches is not None and any(b.committee_id != committee.pk for b in branches):
        errors["branches"] = _("Choose branches of %(name)s.") % {"name": committee.name}
    if units is not None and any(u.district_id != committee.district_id for u in units):
        errors["units"] = _("Choose units of the committee's district.")
    if teams is not None and any(t.committee_id != committee.pk for t in teams):
        errors["teams"] = _("Choose volunteer teams of %(name)s.") % {"name": committee.name}
    return errors


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    user,
    committee=None,
    branches: Iterable | None = None,
    units: Iterable | None = None,
    teams: Iterable | None = None,
) -> Activity:
    """Create (``committee`` given, or already set) or update an activity, and set its
    co-organising branches and units and its teams (``None``: leave them as they are).

    An update locks the activity's row, so that places taken meanwhile by sign-ups are
    counted: places cannot drop below them. A raised capacity moves the waiting list up.
    """
    if committee is not None:
        activity.committee = committee
    committee = activity.committee
    branches = list(branches) if branches is not None else None
    units = list(units) if units is not None else None
    teams = list(teams) if teams is not None else None

    errors = _relation_errors(activity, committee, branches, units, teams)
    for name in ("starts_at", "ends_at"):
        if error := year_range_error(getattr(activity, name)):
            errors[name] = error
    if errors:
        raise ValidationError(errors)  # nothing below can compare out-of-range times
    if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    creating = activity.pk is None
    if creating:
        activity.signed_up = 0
        activity.created_by = user
        if activity.status in FINAL:
            errors["status"] = _("A new activity is planned or open for sign-up.")
    else:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        if stored.committee_id != committee.pk:
            errors["committee"] = _("An activity stays with its committee.")
        activity.signed_up = stored.signed_up
        if activity.status != stored.status and (
            stored.status in FINAL or activity.status in FINAL
        ):
            errors["status"] = _(
                "Use “Cancel” or “Record the outcome” for that; a held or cancelled activity "
                "keeps its status."
            )
    if activity.capacity is not None and activity.capacity < activity.signed_up:
        errors["capacity"] = capacity_error(activity.signed_up)
    if errors:
        raise ValidationError(errors)
    activity.full_clean()

    if creating:
        activity.save()
    else:
        activity.save(update_fields=EDITABLE)
    if branches is not None:
        activity.branches.set(branches)
    if units is not None:
        activity.units.set(units)
    if teams is not None:
        activity.teams.set(teams)
    attendance.fill_places(activity)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, user) -> Activity:
    """Cancel an activity that has not been held (cancelling twice changes nothing)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status == ActivityStatus.HELD:
        raise ValidationError(_("A held activity cannot be cancelled."))
    if locked.status != ActivityStatus.CANCELLED:
        locked.status = ActivityStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
    activity.status = locked.status
    return locked


@transaction.atomic
def activity_mark_held(*, activity: Activity, user, outcome: str) -> Activity:
    """Record that the activity took place, with its outcome (which may be corrected later)."""
    outcome = (outcome or "").strip()
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status == ActivityStatus.CANCELLED:
        raise ValidationError(_("A cancelled activity has no outcome."))
    if locked.starts_at > timezone.now():
        raise ValidationError(
            _("The activity has not started yet: record its outcome once it has begun.")
        )
    if not outcome:
        raise ValidationError({"outcome": _("Say what the activity achieved.")})
    if len(outcome) > 4000:
        raise ValidationError({"outcome": _("Keep the outcome within 4000 characters.")})
    locked.status = ActivityStatus.HELD
    locked.outcome = outcome
    locked.save(update_fields=["status", "outcome", "updated_at"])
    activity.status, activity.outcome = locked.status, locked.outcome
    return locked


@transaction.atomic
def activity_record_outcome(
    *, activity: Activity, user, outcome: str, uploads=(), caption: str = ""
) -> Activity:
    """The outcome page's submit: mark the activity held with its outcome and add the photos.
    All or nothing: every photo is checked before anything is written."""
    prepared = photos.prepare_photos(activity=activity, uploads=uploads)
    held = activity_mark_held(activity=activity, user=user, outcome=outcome)
    # The activity is locked now: count its photos again, another submit may have added some.
    photos.check_room(held, len(prepared))
    photos.write_photos(activity=held, prepared=prepared, user=user, caption=caption)
    return held


@transaction.atomic
def photo_delete(*, photo: ActivityPhoto, user) -> None:
    """Remove a photo, and its file once the removal is committed."""
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
