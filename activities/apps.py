from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Co-building activities, funding, volunteer teams, sign-up and attendance (meetings and
    matters come with a later issue)."""

    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            Activity,
            AgendaItem,
            Attendance,
            Funding,
            Matter,
            MatterFollowUp,
            Meeting,
            MeetingAttendance,
            MinutesAddendum,
            ServiceTeam,
        )

        # Funding lines are audited from their first save: an edit after a line is received
        # shows in its history with who and when.
        auditlog.register(Funding)
        auditlog.register(Activity, m2m_fields={"branches", "units", "teams"})
        auditlog.register(Attendance)
        auditlog.register(ServiceTeam, m2m_fields={"members"})
        # Meetings: minutes are signed off and then corrected only by addenda; who changed
        # what, before and after, stays in the log.
        auditlog.register(Meeting, m2m_fields={"units"})
        auditlog.register(MinutesAddendum)
        auditlog.register(AgendaItem)
        auditlog.register(MeetingAttendance)
        # Matters: each move (status, decision, who answers for it) and each follow-up.
        auditlog.register(Matter)
        auditlog.register(MatterFollowUp)
