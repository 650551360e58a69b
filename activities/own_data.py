"""The sheets this app adds to a member's own data file (``members.own_data``): their
activity sign-ups (报名), attendance (签到) with volunteer hours, and volunteer teams."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.xlsx import datetime_cell
from members import own_data

from .models import ActivitySignup, Attendance, ServiceTeam


@own_data.register(order=40)
def signups(member):
    rows = [
        (s.activity.title, s.activity.committee.name, datetime_cell(s.activity.starts_at),
         s.get_state_display(), datetime_cell(s.created_at), datetime_cell(s.cancelled_at))
        for s in ActivitySignup.objects.filter(member=member)
        .select_related("activity", "activity__committee").order_by("created_at", "pk")
    ]
    return own_data.Sheet(
        _("Activity sign-ups (报名)"),
        [_("Activity"), _("Committee"), _("Starts at"), _("State"), _("Signed up"),
         _("Cancelled")],
        rows,
    )


@own_data.register(order=42)
def attendance(member):
    rows = [
        (a.activity.title, a.activity.committee.name, datetime_cell(a.activity.starts_at),
         a.get_method_display(), datetime_cell(a.checked_in_at), a.hours, a.reason)
        for a in Attendance.objects.filter(member=member)
        .select_related("activity", "activity__committee").order_by("checked_in_at", "pk")
    ]
    return own_data.Sheet(
        _("Activity attendance (签到)"),
        [_("Activity"), _("Committee"), _("Starts at"), _("Method"), _("Checked in at"),
         _("Volunteer hours"), _("Reason for late check-in")],
        rows,
    )


@own_data.register(order=44)
def teams(member):
    rows = [
        (t.name, t.committee.name, t.get_kind_display(),
         _("Leader") if t.leader_id == member.pk else _("Member"))
        for t in ServiceTeam.objects.filter(Q(members=member) | Q(leader=member))
        .distinct().select_related("committee").order_by("committee__name", "name")
    ]
    return own_data.Sheet(_("Volunteer teams"),
                          [_("Team"), _("Committee"), _("Kind"), _("Role")], rows)
