"""Matters (一事一议): one matter, one deliberation.

A matter is raised by a member, a unit or a resident (by name), deliberated at meetings (as
agenda items), decided, and followed to resolution or escalated to the street or district:

    open -> deliberated | in progress | resolved | escalated
    deliberated -> in progress | resolved | escalated
    in progress -> resolved | escalated
    escalated -> in progress (back from the street) | resolved
    resolved: final (a matter that comes back is raised again)

Closing says how it ended (``outcome``): resolving is "resolved by deliberation" (议事解决)
unless the member who settled it there and then is named ("mediated on the spot", 现场调解,
with its ``mediator``), or the matter came back resolved from the street it was escalated to
(it stays "escalated"); escalating is "escalated" (上报). A matter still being dealt with has
no outcome. A matter may carry the risk of a petition (``risk_flag``, 上访苗头): flagged ones
still to be done come first on the lists.

A matter is overdue when it is neither resolved nor escalated and its due date has passed in
local time (Asia/Shanghai). Writes (keyword-only) refuse with ValidationError on the field
concerned and then write nothing; reads come after them.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import ServiceTeam
from core.dates import year_range_error
from core.db import count_of
from members.selectors import committee_members
from units.models import Unit

from .models import (
    AgendaItem,
    Matter,
    MatterFollowUp,
    MatterKind,
    MatterOutcome,
    MatterStatus,
    Meeting,
)

PAGE_SIZE = 20
# Neither open nor overdue any more: the committee has done with the matter.
CLOSED = (MatterStatus.RESOLVED, MatterStatus.ESCALATED)
NEXT_STATUSES = {
    MatterStatus.OPEN: (
        MatterStatus.DELIBERATED, MatterStatus.IN_PROGRESS, MatterStatus.RESOLVED,
        MatterStatus.ESCALATED,
    ),
    MatterStatus.DELIBERATED: (
        MatterStatus.IN_PROGRESS, MatterStatus.RESOLVED, MatterStatus.ESCALATED,
    ),
    MatterStatus.IN_PROGRESS: (MatterStatus.RESOLVED, MatterStatus.ESCALATED),
    MatterStatus.ESCALATED: (MatterStatus.IN_PROGRESS, MatterStatus.RESOLVED),
    MatterStatus.RESOLVED: (),
}
# A matter still being dealt with in the community may be closed as mediated on the spot.
MEDIATABLE = (MatterStatus.OPEN, MatterStatus.DELIBERATED, MatterStatus.IN_PROGRESS)
# Moving to these needs the decision (stored already, or given with the move).
NEED_DECISION = (MatterStatus.DELIBERATED, MatterStatus.IN_PROGRESS)
# The fields of the matter's form; status, its dates and the author are set elsewhere.
EDITABLE = [
    "title", "kind", "raised_by_member", "raised_by_unit", "raised_by_name", "parties",
    "description", "raised_on", "decision", "responsible_member", "responsible_team",
    "responsible_unit", "due_on", "risk_flag", "mediator",
]


def next_statuses(matter: Matter) -> tuple:
    """The statuses the matter may move to from where it is (none once resolved)."""
    return NEXT_STATUSES[MatterStatus(matter.status)]


# --- who and what a matter may name ----------------------------------------------------------

def committee_units(committee):
    """The resident units of the committee's district."""
    return Unit.objects.filter(district_id=committee.district_id).order_by("name", "pk")


def committee_teams(committee):
    return ServiceTeam.objects.filter(committee=committee).order_by("name", "pk")


# --- writes ----------------------------------------------------------------------------------

def _raised_by_errors(matter: Matter) -> dict:
    given = [
        matter.raised_by_member_id is not None,
        matter.raised_by_unit_id is not None,
        bool(matter.raised_by_name),
    ]
    if not any(given):
        return {"raised_by_name": _(
            "Say who raised the matter: a member, a unit or a resident by name.")}
    if sum(given) > 1:
        return {"raised_by_name": _(
            "Name one who raised the matter: a member, a unit or a resident, not several.")}
    return {}


def _relation_errors(matter: Matter, committee) -> dict:
    """Everyone a matter names must belong to its committee (units: to its district)."""
    errors = {}
    members = {matter.raised_by_member_id, matter.responsible_member_id,
               matter.mediator_id} - {None}
    held = set(
        committee_members(committee).filter(pk__in=members).values_list("pk", flat=True)
    ) if members else set()
    if matter.raised_by_member_id is not None and matter.raised_by_member_id not in held:
        errors["raised_by_member"] = _("Choose a member of %(name)s.") % {"name": committee.name}
    if matter.responsible_member_id is not None and matter.responsible_member_id not in held:
        errors["responsible_member"] = _("Choose a member of %(name)s.") % {
            "name": committee.name}
    if matter.mediator_id is not None and matter.mediator_id not in held:
        errors["mediator"] = _("Choose a member of %(name)s.") % {"name": committee.name}
    units = {matter.raised_by_unit_id, matter.responsible_unit_id} - {None}
    local = set(
        committee_units(committee).filter(pk__in=units).values_list("pk", flat=True)
    ) if units else set()
    for name in ("raised_by_unit", "responsible_unit"):
        value = getattr(matter, f"{name}_id")
        if value is not None and value not in local:
            errors[name] = _("Choose a unit of the committee's district.")
    if matter.responsible_team_id is not None and not committee_teams(committee).filter(
        pk=matter.responsible_team_id
    ).exists():
        errors["responsible_team"] = _("Choose a volunteer team of %(name)s.") % {
            "name": committee.name}
    return errors


def _date_errors(matter: Matter) -> dict:
    errors = {}
    today = timezone.localdate()
    for name in ("raised_on", "due_on"):
        problem = year_range_error(getattr(matter, name))
        if problem:
            errors[name] = problem
    if errors:
        return errors  # nothing below can compare out-of-range dates
    if matter.raised_on and matter.raised_on > today:
        errors["raised_on"] = _("A matter cannot be raised in the future.")
    elif matter.raised_on and matter.pk is not None:
        if matter.resolved_on and matter.raised_on > matter.resolved_on:
            errors["raised_on"] = _("The matter was resolved on %(day)s, before this day.") % {
                "day": matter.resolved_on.isoformat()}
        else:
            first = matter.follow_ups.order_by("on").values_list("on", flat=True).first()
            if first is not None and first < matter.raised_on:
                errors["raised_on"] = _(
                    "A follow-up is dated %(day)s, before this day.") % {"day": first.isoformat()}
    if matter.raised_on and matter.due_on and matter.due_on < matter.raised_on:
        errors["due_on"] = _("The due date cannot come before the day it was raised.")
    return errors


@transaction.atomic
def matter_save(*, matter: Matter, user, committee=None) -> Matter:
    """Create a matter of ``committee`` (``user`` its author) or save an existing one.

    Exactly one raised it: a member the committee holds, a unit of its district, or a
    resident by name. The people, team and unit responsible belong to the committee (units:
    to its district). Raised not in the future; due not before it was raised. Status and the
    resolution are changed by ``matter_set_status`` only.
    """
    if matter.pk is None:
        if committee is None:
            raise ValueError("A new matter needs its committee.")
        matter.committee = committee
        matter.created_by = user
        matter.status = MatterStatus.OPEN
        matter.resolved_on = None
        matter.escalated_to = ""
        matter.outcome = ""
    committee = matter.committee
    for name in ("title", "raised_by_name", "parties", "description", "decision"):
        setattr(matter, name, (getattr(matter, name) or "").strip())
    errors = {**_raised_by_errors(matter), **_relation_errors(matter, committee)}
    errors.update(_date_errors(matter))
    if matter.outcome == MatterOutcome.ON_THE_SPOT and matter.mediator_id is None:
        errors["mediator"] = _("Name the member who mediated on the spot.")
    if errors:
        raise ValidationError(errors)
    matter.full_clean()
    if matter.pk is None:
        matter.save()
    else:
        matter.save(update_fields=EDITABLE)
    return matter


@transaction.atomic
def matter_set_status(
    *, matter: Matter, user, status: str, decision: str | None = None,
    resolved_on: date | None = None, escalated_to: str | None = None,
    outcome: str | None = None, mediator=None,
) -> Matter:
    """Move the matter on (see the module's moves). Deliberated and in progress need the
    decision (given here or stored); resolving dates the resolution (today by default, not
    in the future, not before the matter was raised) and says how it ended (``outcome``:
    deliberated by default; on the spot needs the ``mediator``, a member of the committee,
    given or stored, and a matter not escalated); escalating says where to. The row is
    locked, so two people moving it at once cannot both move it from the same status."""
    current = Matter.objects.select_for_update().filter(pk=matter.pk).values(
        "status", "decision", "raised_on", "mediator_id"
    ).get()
    old = MatterStatus(current["status"])
    if status not in MatterStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    new = MatterStatus(status)
    if old == MatterStatus.RESOLVED:
        raise ValidationError({"status": _(
            "A resolved matter is final and cannot be reopened: raise it again as a new "
            "matter.")})
    if new not in NEXT_STATUSES[old]:
        raise ValidationError({"status": _(
            "A matter that is “%(old)s” cannot become “%(new)s”.") % {
                "old": old.label, "new": new.label}})
    decision = (decision or "").strip()
    errors, changes = {}, {"status": new}
    if new in NEED_DECISION and not (decision or current["decision"]):
        errors["decision"] = _("Record the decision taken on the matter.")
    if decision:
        if len(decision) > Matter._meta.get_field("decision").max_length:
            errors["decision"] = _("Keep the decision to 4000 characters.")
        changes["decision"] = decision
    if new == MatterStatus.RESOLVED:
        today = timezone.localdate()
        resolved_on = resolved_on or today
        problem = year_range_error(resolved_on)
        if problem:
            errors["resolved_on"] = problem
        elif resolved_on > today:
            errors["resolved_on"] = _("A matter cannot be resolved in the future.")
        elif resolved_on < current["raised_on"]:
            errors["resolved_on"] = _(
                "A matter cannot be resolved before the day it was raised (%(day)s).") % {
                    "day": current["raised_on"].isoformat()}
        changes["resolved_on"] = resolved_on
        changes.update(_resolved_outcome(matter, old, outcome, mediator, current, errors))
    elif outcome:
        errors["outcome"] = _("Only a resolved matter says how it was settled.")
    if new == MatterStatus.ESCALATED:
        escalated_to = (escalated_to or "").strip()
        if not escalated_to:
            errors["escalated_to"] = _("Say where the matter was escalated to.")
        elif len(escalated_to) > Matter._meta.get_field("escalated_to").max_length:
            errors["escalated_to"] = _("Keep it to 100 characters.")
        changes["escalated_to"] = escalated_to
        changes["outcome"] = MatterOutcome.ESCALATED
    elif new != MatterStatus.RESOLVED:
        changes["outcome"] = ""  # back from the street: being dealt with again
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(matter, name, value)
    matter.save(update_fields=list(changes))
    return matter


def _resolved_outcome(matter, old, outcome, mediator, current, errors) -> dict:
    """How a matter being resolved ended, and its mediator (``matter_set_status``)."""
    if old == MatterStatus.ESCALATED:
        if outcome and outcome != MatterOutcome.ESCALATED:
            errors["outcome"] = _(
                "The matter was escalated: it was settled above the community, not here.")
        return {"outcome": MatterOutcome.ESCALATED}
    outcome = outcome or MatterOutcome.DELIBERATED
    if outcome not in (MatterOutcome.ON_THE_SPOT, MatterOutcome.DELIBERATED):
        errors["outcome"] = _("Choose how the matter was settled.")
        return {}
    if outcome != MatterOutcome.ON_THE_SPOT:
        return {"outcome": outcome}
    if mediator is None:
        if current["mediator_id"] is None:
            errors["mediator"] = _("Name the member who mediated on the spot.")
        return {"outcome": outcome}
    if not committee_members(matter.committee).filter(pk=mediator.pk).exists():
        errors["mediator"] = _("Choose a member of %(name)s.") % {"name": matter.committee.name}
    return {"outcome": outcome, "mediator": mediator}


@transaction.atomic
def matter_flag(*, matter: Matter, user, flagged: bool) -> Matter:
    """Mark the matter as a risk of escalation (上访苗头), or take the mark off."""
    matter.risk_flag = bool(flagged)
    matter.save(update_fields=["risk_flag"])
    return matter


@transaction.atomic
def follow_up_add(*, matter: Matter, user, on: date, text: str) -> MatterFollowUp:
    """A dated note of what was done on the matter (not in the future, not before it was
    raised)."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write what was done.")
    problem = year_range_error(on)
    if problem:
        errors["on"] = problem
    elif on > timezone.localdate():
        errors["on"] = _("A follow-up cannot be dated in the future.")
    elif on < matter.raised_on:
        errors["on"] = _("A follow-up cannot come before the day the matter was raised "
                         "(%(day)s).") % {"day": matter.raised_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    follow_up = MatterFollowUp(matter=matter, on=on, text=text, created_by=user)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# --- reads -----------------------------------------------------------------------------------

def overdue_q(today: date | None = None) -> Q:
    """Matters still to be done (neither resolved nor escalated) whose due date has passed:
    a matter due today is not overdue until tomorrow, local time."""
    today = today or timezone.localdate()
    return ~Q(status__in=CLOSED) & Q(due_on__isnull=False, due_on__lt=today)


def is_overdue(matter: Matter, today: date | None = None) -> bool:
    """``overdue_q`` for one matter in hand."""
    today = today or timezone.localdate()
    return matter.status not in CLOSED and matter.due_on is not None and matter.due_on < today


def with_overdue(queryset, today: date | None = None):
    """Rows with ``is_overdue`` (a boolean) for the page to mark."""
    return queryset.annotate(
        is_overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField())
    )


class MatterFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=MatterStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=MatterKind.choices,
        empty_label=gettext_lazy("All kinds"),
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue only"), method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    flagged = django_filters.BooleanFilter(
        label=gettext_lazy("Risk of escalation only"), method="filter_flagged",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Matter
        fields = ["status", "kind", "overdue", "flagged"]

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(risk_flag=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset


def matter_filter(user, committee, data) -> MatterFilter:
    """The committee's matters as ``user`` may read them, filtered by ``data`` (a GET)."""
    return MatterFilter(
        data or None, queryset=Matter.objects.for_user(user).filter(committee=committee)
    )


def matter_rows(queryset, today: date | None = None):
    """Matters still to be done first, those at risk of escalation (上访苗头) before the rest,
    the earliest due at the top (undated after them), then resolved and escalated ones,
    newest first; with who raised it and who answers for it, and
    ``is_overdue``. One query for a page."""
    return with_overdue(
        queryset.select_related(
            "raised_by_member", "raised_by_unit", "responsible_member", "responsible_team",
            "responsible_unit",
        ).only(
            "pk", "title", "kind", "status", "raised_on", "due_on", "resolved_on",
            "risk_flag", "outcome",
            "raised_by_name", "raised_by_member__name", "raised_by_unit__name",
            "responsible_member__name", "responsible_team__name", "responsible_unit__name",
        ),
        today,
    ).order_by(
        Case(When(status__in=CLOSED, then=Value(2)), When(risk_flag=True, then=Value(0)),
             default=Value(1)),
        F("due_on").asc(nulls_last=True),
        "-raised_on",
        "-pk",
    )


@dataclass(frozen=True)
class MatterStats:
    open: int  # neither resolved nor escalated
    overdue: int
    total: int
    resolved: int
    share_resolved: int | None  # resolved / all, a whole percentage; None without matters
    median_days: float | None  # raised to resolved, over resolved matters; None without any
    upcoming: list = field(default_factory=list)  # the next five matters still to be done


def median_days(days: list[int]) -> float | int | None:
    return statistics.median(days) if days else None


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` as a whole percentage, halves rounded up; None when ``whole`` is
    0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def _matter_counts(today: date) -> dict:
    """The committee's matters counted: all, open, overdue and resolved, as filters of one
    count each (``committee_matter_stats``)."""
    return {
        "total": Q(),
        "open": ~Q(status__in=CLOSED),
        "overdue": overdue_q(today),
        "resolved": Q(status=MatterStatus.RESOLVED),
    }


def matter_counts_of_committee(today: date | None = None) -> dict:
    """``committee_matter_stats``' counts as correlated subqueries of a committee's row
    (``OuterRef("pk")``), named ``matters_<count>``: a page that reads the committee reads
    them in the same query and hands them to ``committee_matter_stats(counts=…)``."""
    today = today or timezone.localdate()
    return {
        f"matters_{name}": count_of(Matter.objects.filter(rule, committee=OuterRef("pk")))
        for name, rule in _matter_counts(today).items()
    }


def committee_matter_stats(committee, today: date | None = None, counts=None) -> MatterStats:
    """The committee's matters in figures (two queries, whatever their number; one when
    ``counts`` were read with the committee: ``matter_counts_of_committee``): open, overdue,
    share resolved, median days from raised to resolved, and the next five still to be done
    (those at risk of escalation first, then by due date). The resolved matters (for their
    days) and the next five are read in one query, the resolved ones with their dates only."""
    today = today or timezone.localdate()
    matters = Matter.objects.filter(committee=committee)
    if counts is None:
        counts = matters.aggregate(**{name: Count("pk", filter=rule)
                                      for name, rule in _matter_counts(today).items()})
    resolved_q = Q(status=MatterStatus.RESOLVED, resolved_on__isnull=False)
    next_five = (matters.exclude(status__in=CLOSED)
                 .order_by("-risk_flag", F("due_on").asc(nulls_last=True), "raised_on", "pk")
                 .values("pk")[:5])
    rows = list(
        with_overdue(matters.filter(resolved_q | Q(pk__in=next_five)), today)
        .select_related("responsible_member", "responsible_team", "responsible_unit")
        .only("pk", "committee_id", "title", "kind", "status", "raised_on", "due_on",
              "resolved_on", "risk_flag", "responsible_member__name", "responsible_team__name",
              "responsible_unit__name")
    )
    days = [(m.resolved_on - m.raised_on).days for m in rows
            if m.status == MatterStatus.RESOLVED and m.resolved_on is not None]
    upcoming = sorted(
        (m for m in rows if m.status not in CLOSED),
        key=lambda m: (not m.risk_flag, m.due_on is None, m.due_on or today, m.raised_on, m.pk),
    )
    return MatterStats(
        open=counts["open"],
        overdue=counts["overdue"],
        total=counts["total"],
        resolved=counts["resolved"],
        share_resolved=percent(counts["resolved"], counts["total"]),
        median_days=median_days(days),
        upcoming=upcoming,
    )


def deliberations(user, matter: Matter) -> list[AgendaItem]:
    """The agenda items where the matter was deliberated, with their meeting, earliest first;
    ``meeting_readable`` says whether the user may open the meeting. Two queries."""
    items = list(
        AgendaItem.objects.filter(matter=matter)
        .select_related("meeting", "meeting__branch")
        .order_by("meeting__starts_at", "position", "pk")
    )
    ids = {item.meeting_id for item in items}
    readable = set(
        Meeting.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True)
    ) if ids else set()
    for item in items:
        item.meeting_readable = item.meeting_id in readable
    return items


def agenda_of(user, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda with each item's matter; ``matter_readable`` says whether the user
    may read that matter (it names residents and their disputes): others see that a matter
    was deliberated, not which. Two queries at most."""
    items = list(meeting.agenda.select_related("matter"))
    ids = [i.matter_id for i in items if i.matter_id]
    readable = set(
        Matter.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True)
    ) if ids else set()
    for item in items:
        item.matter_readable = item.matter_id in readable
    return items


@dataclass
class StatusChange:
    when: object  # datetime
    who: str
    old: str
    new: str


def status_history(matter: Matter) -> list[StatusChange]:
    """The matter's moves from the audit log, newest first (one query)."""
    labels = dict(MatterStatus.choices)
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Matter), object_id=matter.pk,
            action=LogEntry.Action.UPDATE,
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        values = (entry.changes_dict or {}).get("status")
        if not values or len(values) < 2 or values[0] == values[1]:
            continue
        actor = entry.actor
        history.append(StatusChange(
            when=entry.timestamp,
            who=(actor.get_full_name() or actor.get_username()) if actor else _("unknown"),
            old=str(labels.get(values[0], values[0])),
            new=str(labels.get(values[1], values[1])),
        ))
    return history
