"""The sheets this app adds to a member's own data file (``members.own_data``): the meetings
they were expected at (with their attendance) and the matters (一事一议) they raised or answer
for. A matter's description names other residents: the file has its title, kind and state."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.xlsx import date_cell, datetime_cell
from members import own_data

from .models import Matter, MeetingAttendance


@own_data.register(order=50)
def meetings(member):
    rows = [
        (str(a.meeting), a.meeting.get_kind_display(), datetime_cell(a.meeting.starts_at),
         a.get_status_display(), a.reason, datetime_cell(a.checked_in_at))
        for a in MeetingAttendance.objects.filter(member=member)
        .select_related("meeting").order_by("meeting__starts_at", "pk")
    ]
    return own_data.Sheet(
        _("Meetings"),
        [_("Meeting"), _("Kind"), _("Date and time"), _("Attendance"), _("Reason"),
         _("Checked in at")],
        rows,
    )


@own_data.register(order=52)
def matters(member):
    rows = []
    for m in (Matter.objects.filter(Q(raised_by_member=member) | Q(responsible_member=member))
              .select_related("committee").order_by("raised_on", "pk")):
        roles = [label for mine, label in (
            (m.raised_by_member_id == member.pk, _("Raised by me")),
            (m.responsible_member_id == member.pk, _("I am responsible")),
        ) if mine]
        rows.append((m.title, m.committee.name, m.get_kind_display(), "; ".join(roles),
                     date_cell(m.raised_on), m.get_status_display(), date_cell(m.due_on)))
    return own_data.Sheet(
        _("Matters (一事一议)"),
        [_("Title"), _("Committee"), _("Kind"), _("My part"), _("Raised on"), _("Status"),
         _("Due on")],
        rows,
    )
