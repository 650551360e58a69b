"""Household and shop visits (走街串户) and early warning (抓早抓小).

Members and the committee's side go from door to door and shop to shop, listen, and record
what they heard: a visit names who went (members, optionally a volunteer team), where (a
household or a shop, by address: never an ID number), when and what was heard. A visit may
raise matters (一事一议, ``Matter.visit``); a matter may carry the risk of a petition (上访苗头)
and, when a member settled it there and then, be closed as mediated on the spot
(``matters.matter_set_status`` with ``outcome``).

Who records: the committee's side (its secretaries and staff, the district's officers) for
any of the committee's members; a member of the committee (one it holds: ``committee_members``)
records their own visits there, and only there. Writes refuse with ValidationError on the
field concerned and then write nothing.
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import year_range_error
from core.scope import can_write, scope_of
from members.models import Member
from members.selectors import committee_members

from . import matters
from .models import Matter, MatterKind, Visit, VisitPlace

PAGE_SIZE = 20

# Seventeen digits and a digit or X, standing alone (spaces or dashes between the digits
# allowed): what a mainland ID number looks like. A visit's address and notes never hold one.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d[\s-]?){17}[\dXx](?![0-9A-Za-z])")


def looks_like_id_number(text: str) -> bool:
    """Whether ``text`` holds something shaped like an 18-character ID number."""
    return bool(text) and _ID_NUMBER.search(text) is not None


def _id_number_error() -> str:
    return _("This looks like an ID number. Visits never record ID numbers: leave it out.")


def recorder_member(user, committee) -> Member | None:
    """The user's own member record when the committee holds it (one query), else None."""
    member_id = scope_of(user).member_id
    if member_id is None:
        return None
    return committee_members(committee).filter(pk=member_id).first()


def may_record(user, committee) -> bool:
    """Whether the user records visits in the committee: its side, or one of its members."""
    return can_write(user, committee) or recorder_member(user, committee) is not None


def _text_errors(fields: dict) -> dict:
    errors = {}
    for name, text in fields.items():
        if looks_like_id_number(text):
            errors[name] = _id_number_error()
    return errors


@transaction.atomic
def visit_record(
    *, committee, user, visited_on: date, place_kind: str, address: str, heard: str,
    visitors=(), team=None,
) -> Visit:
    """Record a visit of ``committee``. The committee's side names the members who went
    (at least one, each held by the committee) and optionally one of its volunteer teams; a
    member records their own visit (they are among its visitors). Visited not in the future;
    address and what was heard given, with no ID number in either."""
    side = can_write(user, committee)
    own = None if side else recorder_member(user, committee)
    if not side and own is None:
        raise PermissionDenied
    visitors = list(visitors)
    if own is not None and own.pk not in {m.pk for m in visitors}:
        visitors.insert(0, own)
    address, heard = (address or "").strip(), (heard or "").strip()
    errors = {}
    if not visitors:
        errors["visitors"] = _("Name at least one member who made the visit.")
    else:
        held = set(committee_members(committee).filter(
            pk__in=[m.pk for m in visitors]).values_list("pk", flat=True))
        if any(m.pk not in held for m in visitors):
            errors["visitors"] = _("Choose members of %(name)s.") % {"name": committee.name}
    if team is not None and team.committee_id != committee.pk:
        errors["team"] = _("Choose a volunteer team of %(name)s.") % {"name": committee.name}
    if place_kind not in VisitPlace.values:
        errors["place_kind"] = _("Choose a household or a shop.")
    problem = year_range_error(visited_on)
    if problem:
        errors["visited_on"] = problem
    elif visited_on is None:
        errors["visited_on"] = _("Say when the visit was made.")
    elif visited_on > timezone.localdate():
        errors["visited_on"] = _("A visit cannot be recorded in the future.")
    if not address:
        errors["address"] = _("Say where the visit was: an address or a shop.")
    if not heard:
        errors["heard"] = _("Write what was heard, even if all was well.")
    errors.update(_text_errors({"address": address, "heard": heard}))
    if errors:
        raise ValidationError(errors)
    visit = Visit(committee=committee, visited_on=visited_on, place_kind=place_kind,
                  address=address, heard=heard, team=team, recorded_by=user)
    visit.full_clean()
    visit.save()
    visit.visitors.set(visitors)
    return visit


@transaction.atomic
def visit_raise_matter(
    *, visit: Visit, user, title: str, kind: str = MatterKind.DISPUTE, description: str = "",
    parties: str = "", risk_flag: bool = False,
) -> Matter:
    """A matter raised at ``visit``: raised by the member who recorded it when they went,
    else by its first visitor, on the day of the visit; described by what was heard unless
    told otherwise. ``matters.matter_save`` checks the rest."""
    description = (description or "").strip() or visit.heard
    errors = _text_errors({"title": title or "", "description": description,
                           "parties": parties or ""})
    if errors:
        raise ValidationError(errors)
    visitors = list(visit.visitors.order_by("pk").values_list("pk", flat=True))
    own = scope_of(user).member_id
    raised_by = own if own in visitors else (visitors[0] if visitors else None)
    matter = Matter(
        title=title, kind=kind, description=description, parties=parties or "",
        raised_on=visit.visited_on, raised_by_member_id=raised_by, visit=visit,
        risk_flag=bool(risk_flag),
    )
    return matters.matter_save(matter=matter, user=user, committee=visit.committee)


@transaction.atomic
def visit_record_raising(*, committee, user, matter: dict | None = None, **visit) -> Visit:
    """``visit_record`` and, given ``matter`` (``visit_raise_matter``'s fields), the matter it
    raised, in one transaction: both or neither."""
    recorded = visit_record(committee=committee, user=user, **visit)
    if matter:
        try:
            visit_raise_matter(visit=recorded, user=user, **matter)
        except ValidationError as exc:
            # The matter's fields carry a prefix on the visit's form.
            raise ValidationError({
                f"matter_{name}" if name in ("title", "kind", "description") else name: errors
                for name, errors in exc.message_dict.items()
            }) from None
    return recorded


# --- reads -----------------------------------------------------------------------------------

def visit_rows(user, committee):
    """The committee's visits as ``user`` may read them, newest first, with who went, the
    team and the matters raised (those the user may read): one query for a page and two for
    its visitors and matters."""
    return (
        Visit.objects.for_user(user).filter(committee=committee)
        .select_related("team")
        .prefetch_related(
            Prefetch("visitors", queryset=Member.objects.only("pk", "name").order_by("pk")),
            Prefetch("matters", queryset=Matter.objects.for_user(user).only(
                "pk", "title", "status", "risk_flag", "visit_id").order_by("pk")),
        )
        .order_by("-visited_on", "-pk")
    )
