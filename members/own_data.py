"""下载我的信息: everything the portal holds about one member, in one workbook, one sheet per
kind of record, for the member themselves (PIPL: a person may obtain a copy of their data).

The member's app cannot import the apps above it (activities, meetings, notices), so each app
adds the sheets of its own records here from its ``AppConfig.ready()``:

    # activities/own_data.py, imported by ActivitiesConfig.ready()
    @own_data.register(order=40)
    def signups(member):
        return own_data.Sheet(_("Activity sign-ups"), [...headers], [...rows])

A sheet function reads only rows of ``member`` (or of their account), in a fixed number of
queries, and returns a ``Sheet`` (or several). The member's own ID number and mobile are in
full: it is their file. Every cell is escaped against formulas (``core.xlsx``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import Notification, RoleAssignment
from core.xlsx import add_sheet, date_cell, datetime_cell, new_workbook, workbook_bytes

from .models import Member, SignUp


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list = field(default_factory=list)


_SHEETS: list[tuple[int, Callable]] = []


def register(*, order: int = 50):
    """Add the decorated ``(member) -> Sheet | list[Sheet]`` to the file, in ``order``."""

    def decorator(sheet: Callable) -> Callable:
        _SHEETS.append((order, sheet))
        _SHEETS.sort(key=lambda item: item[0])
        return sheet

    return decorator


def sheets(member: Member) -> list[Sheet]:
    out = []
    for _order, make in _SHEETS:
        made = make(member)
        out.extend(made if isinstance(made, list) else [made])
    return out


def member_workbook(member: Member) -> bytes:
    """The workbook of ``member``'s own data; a sheet with no rows says so in its first row."""
    workbook = new_workbook()
    for sheet in sheets(member):
        rows = sheet.rows or [[_("(none)")] + [""] * (len(sheet.headers) - 1)]
        add_sheet(workbook, sheet.title[:31], sheet.headers, rows)
    return workbook_bytes(workbook)


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


# --- the members app's own sheets -----------------------------------------------------------

@register(order=10)
def record(member: Member) -> Sheet:
    """The member record, as a two-column sheet (what, value)."""
    m = Member.objects.select_related(
        "committee", "branch", "party_group", "employer_unit").get(pk=member.pk)
    rows = [
        (_("Full name"), m.name),
        (_("ID number"), m.id_number or ""),
        (_("Gender"), m.get_gender_display()),
        (_("Date of birth"), date_cell(m.birth_date)),
        (_("Ethnicity"), m.ethnicity),
        (_("Mobile"), m.mobile),
        (_("Home address"), m.address),
        (_("Joined the Party"), date_cell(m.joined_on)),
        (_("Full membership"), date_cell(m.full_member_on)),
        (_("Party status"), m.get_status_display()),
        (_("Category"), m.get_category_display()),
        (_("Residence committee"), m.committee.name),
        (_("Membership held by"), m.membership),
        (_("Party group"), m.party_group.name if m.party_group_id else ""),
        (_("Employer"), m.employer),
        (_("Registered on"), datetime_cell(m.created_at)),
        (_("Last changed"), datetime_cell(m.updated_at)),
    ]
    return Sheet(_("My record"), [_("Item"), _("Value")], rows)


@register(order=12)
def account(member: Member) -> Sheet:
    """The sign-in account linked to the record, and its roles in the portal."""
    rows = []
    user = member.user
    if user is not None:
        rows += [
            (_("Username"), user.get_username()),
            (_("Email"), user.email),
            (_("Account created"), datetime_cell(user.date_joined)),
            (_("Last signed in"), datetime_cell(user.last_login)),
        ]
        for role in RoleAssignment.objects.filter(user=user).select_related(
                "district", "committee", "branch", "unit").order_by("pk"):
            target = role.district or role.committee or role.branch or role.unit
            rows.append((_("Role"), f"{role.get_role_display()} · {target}"))
    return Sheet(_("Account"), [_("Item"), _("Value")], rows)


@register(order=20)
def checkins(member: Member) -> Sheet:
    rows = [
        (c.committee.name, c.get_status_display(), datetime_cell(c.requested_at),
         datetime_cell(c.decided_at), c.return_reason, date_cell(c.started_on),
         date_cell(c.ended_on), c.get_end_reason_display(), c.end_note,
         c.group.name if c.group_id else "")
        for c in member.checkins.select_related("committee", "group").order_by("requested_at")
    ]
    return Sheet(
        _("Check-ins (报到)"),
        [_("Community"), _("Status"), _("Requested"), _("Decided"), _("Reason for returning"),
         _("Checked in on"), _("Ended on"), _("Reason for ending"), _("Note"),
         _("In-service member group")],
        rows,
    )


@register(order=22)
def transfers(member: Member) -> Sheet:
    rows = [
        (date_cell(t.transferred_on),
         t.from_branch.name if t.from_branch_id else t.from_outside, t.to_branch.name, t.reason)
        for t in member.transfers.select_related("from_branch", "to_branch")
        .order_by("transferred_on", "pk")
    ]
    return Sheet(_("Transfers of membership"), [_("Date"), _("From"), _("To"), _("Reason")],
                 rows)


@register(order=24)
def commitments(member: Member) -> Sheet:
    rows = [
        (c.year, c.committee.name, c.text, c.get_category_display(), c.get_measure_display(),
         c.target, "\n".join(f"{n.written_on.isoformat()} {n.text}" for n in c.notes.all()),
         c.get_outcome_display(), c.review_remark, _yes(c.public))
        for c in member.commitments.select_related("committee").prefetch_related("notes")
        .order_by("year", "pk")
    ]
    return Sheet(_("Commitments"),
                 [_("Year"), _("Committee"), _("Commitment"), pgettext("commitment", "Category"),
                  _("How it will be seen"), _("Target"), _("Notes"), _("Year-end review"),
                  _("Remark"), _("On the public board")], rows)


@register(order=26)
def appraisals(member: Member) -> Sheet:
    rows = [(a.year, a.get_rating_display(), a.branch.name)
            for a in member.appraisals.select_related("branch").order_by("year")]
    return Sheet(_("Democratic appraisal"), [_("Year"), _("Rating"), _("Branch")], rows)


@register(order=28)
def registration(member: Member) -> Sheet:
    """The member's own sign-up (自助注册), if they registered themselves."""
    rows = [
        (s.committee.name, s.name, s.mobile, s.organisation, s.get_category_display(),
         s.get_status_display(), s.return_reason, datetime_cell(s.created_at),
         datetime_cell(s.decided_at))
        for s in SignUp.objects.filter(member=member).select_related("committee")
    ]
    return Sheet(
        _("Registration (注册)"),
        [_("Community"), _("Full name"), _("Mobile"), _("Membership held by"), _("Category"),
         _("Status"), _("Reason for returning"), _("Sent"), _("Decided")],
        rows,
    )


@register(order=30)
def corrections(member: Member) -> Sheet:
    rows = [
        (c.get_field_display(), c.current_value, c.proposed_value, c.note,
         c.get_status_display(), datetime_cell(c.created_at), datetime_cell(c.decided_at),
         c.reason)
        for c in member.correction_requests.order_by("created_at", "pk")
    ]
    return Sheet(
        _("Correction requests"),
        [_("What is wrong"), _("The record said"), _("The right value"), _("Note"),
         _("Status"), _("Asked on"), _("Decided"), _("Reason")],
        rows,
    )


@register(order=90)
def notifications(member: Member) -> Sheet:
    """The notifications of the member's account (the bell). An account that holds a role
    (secretary, officer, liaison) is told of other people's requests and records: of those
    the file keeps when and whether read, not the text, which is theirs."""
    rows = []
    if member.user_id:
        of_others = (RoleAssignment.objects.filter(user_id=member.user_id).exists()
                     or member.user.is_staff)
        hidden = _("(a notification of your role, about others)")
        rows = [(datetime_cell(n.created_at), hidden if of_others else n.text,
                 datetime_cell(n.read_at))
                for n in Notification.objects.filter(user_id=member.user_id)
                .order_by("created_at", "pk")]
    return Sheet(_("Notifications"), [_("Sent"), _("Text"), _("Read")], rows)
