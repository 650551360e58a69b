"""Funding lines (四个一点 / 多元融资) of activities and projects.

Writes first (saving and deleting a line), then reads (totals by source, the panel on an
activity's or project's page, a committee's year, a line's history). Money stays with the
committee's side (``core.scope``: a unit's liaison also reads the lines their unit gave).
Amounts are ``Decimal`` yuan throughout and are summed in SQL, never through floats.

Funding is registered with auditlog (``activities.apps``): every save and delete of a line is
logged with the user of the request (``AuditlogMiddleware``), so correcting a received line
leaves its old and new values in the line's history.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import year_dates, year_range_error
from core.scope import can_write
from units.models import Unit

from .models import Activity, ActivityStatus, Funding, FundingSource, FundingState

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# A pledge may be dated ahead (when the money is promised for), but not beyond a year.
MAX_AHEAD = timedelta(days=365)
# The history's words for auditlog's actions (auditlog's own labels are not in our catalog).
ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("Recorded"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
}


# --- writes --------------------------------------------------------------------------------

def _errors(line: Funding, committee) -> dict:
    errors = {}
    if line.source == FundingSource.UNIT:
        if line.unit_id is None:
            errors["unit"] = _("Choose the unit that sponsors it.")
        elif not Unit.objects.filter(pk=line.unit_id, district_id=committee.district_id).exists():
            errors["unit"] = _("Choose a resident unit of the committee's district.")
    elif line.unit_id is not None:
        errors["unit"] = _(
            "Only a resident unit's sponsorship names a unit: leave it empty and write the "
            "donor instead."
        )
    amount = line.amount
    if amount is None or not isinstance(amount, Decimal) or not amount.is_finite():
        errors["amount"] = _("Enter the amount in yuan.")
    elif amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    elif amount != amount.quantize(CENT):
        errors["amount"] = _("Give the amount in yuan with at most two decimals.")
    if line.date and line.date > timezone.localdate() + MAX_AHEAD:
        errors["date"] = _("The date cannot be more than a year ahead.")
    elif error := year_range_error(line.date):
        errors["date"] = error
    return errors


@transaction.atomic
def funding_save(*, line: Funding, user, activity=None, project=None) -> Funding:
    """Create a funding line on exactly one of ``activity`` or ``project`` (it takes the
    committee of that), or save the changes to an existing one (its activity or project
    stays). A unit's sponsorship names a unit of the committee's district, other sources name
    none; the amount is positive with at most two decimals; the date at most a year ahead. A
    cancelled activity takes no new lines. A refusal writes nothing."""
    if line.pk is None:
        if (activity is None) == (project is None):
            raise ValueError("A new funding line belongs to exactly one activity or project.")
        target = activity or project
        line.activity, line.project = activity, project
        line.committee_id = target.committee_id
        line.created_by = user
        if activity is not None:
            # Read the status under the activity's lock: a line cannot slip in while it is
            # being cancelled.
            status = (
                Activity.objects.select_for_update().values_list("status", flat=True)
                .get(pk=activity.pk)
            )
            if status == ActivityStatus.CANCELLED:
                raise ValidationError(_("The activity is cancelled: it takes no new funding."))
    else:
        stored = (
            Funding.objects.select_for_update().filter(pk=line.pk)
            .values_list("state", flat=True).first()
        )
        if stored is None:
            raise ValidationError(_("This funding line was deleted meanwhile."))
        if stored == FundingState.RECEIVED and line.state != FundingState.RECEIVED:
            # Otherwise "received lines cannot be deleted" would be two clicks away.
            raise ValidationError({"state": _(
                "Money received stays received: correct the amount, date or note instead "
                "(every change is kept in the line's history)."
            )})
    line.donor = (line.donor or "").strip()
    line.note = (line.note or "").strip()
    errors = _errors(line, line.committee)
    if errors:
        raise ValidationError(errors)
    line.amount = line.amount.quantize(CENT)  # as stored, so the history reads alike
    line.full_clean()
    line.save()
    return line


def deletion_refused(state: str) -> str | None:
    """Why a line in ``state`` cannot be deleted, or None when it can."""
    if state == FundingState.RECEIVED:
        return _("A received funding line cannot be deleted: correct it instead, the change "
                 "is kept in its history.")
    return None


@transaction.atomic
def funding_delete(*, line: Funding, user) -> None:
    """Delete a pledged line. A received one stays: correct it instead, and the change is kept
    in its history."""
    state = Funding.objects.select_for_update().values_list("state", flat=True).get(pk=line.pk)
    refusal = deletion_refused(state)
    if refusal:
        raise ValidationError(refusal)
    line.delete()


# --- reads ---------------------------------------------------------------------------------

def funding_totals(queryset) -> dict:
    """Totals of ``queryset`` (funding lines) in one aggregate query: ``sources``, a row per
    funding source in the order of ``FundingSource`` (zero when none) with its ``pledged``,
    ``received`` and ``total``; and the grand ``pledged``, ``received`` and ``total``. Every
    amount is a ``Decimal`` with two decimals."""
    sums = {
        f"{source}__{state}": Coalesce(
            Sum("amount", filter=Q(source=source, state=state)), Value(ZERO), output_field=MONEY
        )
        for source in FundingSource.values
        for state in FundingState.values
    }
    return _totals(queryset.order_by().aggregate(**sums))


def funding_totals_in(lines) -> dict:
    """``funding_totals`` of funding lines already read (a page that lists them all): added
    up here, no query."""
    row = {f"{source}__{state}": ZERO
           for source in FundingSource.values for state in FundingState.values}
    for line in lines:
        row[f"{line.source}__{line.state}"] += line.amount
    return _totals(row)


def funding_of_committee(year: int) -> dict:
    """``committee_funding_summary``'s sums as correlated subqueries of a committee's row
    (``OuterRef("pk")``), named ``funding_<source>__<state>``: a page that reads the committee
    reads them in the same query and hands them to ``funding_totals_of``."""
    lines = Funding.objects.filter(committee=OuterRef("pk"), date__range=year_dates(year))
    return {
        f"funding_{source}__{state}": Coalesce(
            Subquery(lines.filter(source=source, state=state).order_by()
                     .annotate(total=Func(F("amount"), function="SUM")).values("total"),
                     output_field=MONEY),
            Value(ZERO), output_field=MONEY,
        )
        for source in FundingSource.values
        for state in FundingState.values
    }


def funding_totals_of(committee) -> dict:
    """``funding_totals`` of a committee read with ``funding_of_committee``."""
    return _totals({
        f"{source}__{state}": getattr(committee, f"funding_{source}__{state}")
        for source in FundingSource.values
        for state in FundingState.values
    })


def _totals(row) -> dict:
    sources = []
    for source in FundingSource:
        pledged = row[f"{source.value}__{FundingState.PLEDGED}"]
        received = row[f"{source.value}__{FundingState.RECEIVED}"]
        sources.append({
            "source": source.value, "label": source.label,
            "pledged": pledged, "received": received, "total": pledged + received,
        })
    pledged = sum((s["pledged"] for s in sources), ZERO)
    received = sum((s["received"] for s in sources), ZERO)
    return {
        "sources": sources, "pledged": pledged, "received": received,
        "total": pledged + received,
    }


def funding_panel(user, *, activity=None, project=None):
    """What the funding panel of an activity or project page shows this user, or None.

    Only the committee's side (who may change the activity or project) sees money: for them
    the lines, their totals by source, and where to add a line (none on a cancelled activity).
    One query (the lines; their totals are added up here), none for others."""
    target = activity if activity is not None else project
    if target is None or not can_write(user, target):
        return None
    lines = Funding.objects.for_user(user).select_related("unit").order_by("date", "pk")
    if activity is not None:
        lines = lines.filter(activity=activity)
        add_url = (
            None if activity.status == ActivityStatus.CANCELLED
            else reverse("activities:activity-funding-create", args=[activity.pk])
        )
    else:
        lines = lines.filter(project=project)
        add_url = reverse("activities:project-funding-create", args=[project.pk])
    lines = list(lines)
    return {
        "lines": lines,
        "totals": funding_totals_in(lines),
        "add_url": add_url,
        "can_edit": True,
    }


def committee_funding_summary(committee, year: int) -> dict:
    """Totals by source of the committee's funding lines dated in ``year``, over its
    activities and projects (``funding_totals``). One query; for the committee's side only."""
    return funding_totals(
        Funding.objects.filter(committee=committee, date__range=year_dates(year))
    )


def committee_funding_lines(user, committee, year: int):
    """The committee's lines of ``year`` that ``user`` may read, with what they fund."""
    return (
        Funding.objects.for_user(user)
        .filter(committee=committee, date__range=year_dates(year))
        .select_related("activity", "project", "unit")
        .order_by("date", "pk")
    )


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object  # datetime
    who: str
    action: str
    changes: list  # Change


def funding_history(line: Funding) -> list[HistoryEntry]:
    """The line's audit log, newest first: when, who, and which fields changed from what to
    what (at most two queries)."""
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Funding), object_id=line.pk
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    labels = {
        f.name: str(f.verbose_name) for f in Funding._meta.fields
        if f.editable and not f.primary_key
    }
    unit_ids = {
        v for e in entries for v in (e.changes_dict or {}).get("unit", [])[:2]
        if v not in (None, "None", "") and str(v).isdigit()
    }
    names = {
        "source": dict(FundingSource.choices),
        "state": dict(FundingState.choices),
        "unit": {
            str(pk): name
            for pk, name in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
        } if unit_ids else {},
    }
    history = []
    for entry in entries:
        changes = []
        for field, values in (entry.changes_dict or {}).items():
            if field not in labels or len(values) < 2:
                continue
            old, new = (_display(field, v, names) for v in values[:2])
            if old != new:
                changes.append(Change(field=labels[field], old=old, new=new))
        actor = entry.actor
        history.append(HistoryEntry(
            when=entry.timestamp,
            who=(actor.get_full_name() or actor.get_username()) if actor else _("unknown"),
            action=str(ACTION_LABELS.get(entry.action, entry.get_action_display())),
            changes=changes,
        ))
    return history


def _display(field, value, names) -> str:
    if value in (None, "None", ""):
        return "—"
    return str(names.get(field, {}).get(str(value), value))
