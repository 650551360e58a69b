from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """The monthly meeting (一月一例会), the branches' 三会一课, matters (一事一议), compliance
    and the reminders that keep them on time."""

    name = "meetings"
    verbose_name = _("Meetings and matters")

    def ready(self):
        from auditlog.registry import auditlog

        from . import (
            own_data,  # noqa: F401  (adds its sheets to a member's own data file)
            sections,  # noqa: F401  (registers the cards this app adds to pages)
        )
        from .models import (
            AgendaItem,
            JointInvitation,
            Matter,
            MatterFollowUp,
            Meeting,
            MeetingAttendance,
            MinutesAddendum,
            Visit,
        )

        # Minutes are signed off and then corrected only by addenda; who changed what, before
        # and after, stays in the log.
        auditlog.register(Meeting, m2m_fields={"units"})
        auditlog.register(MinutesAddendum)
        auditlog.register(AgendaItem)
        auditlog.register(MeetingAttendance)
        auditlog.register(JointInvitation)  # who invited which branch, who adopted it, when
        # Matters: each move (status, decision, who answers for it) and each follow-up.
        auditlog.register(Matter)
        auditlog.register(MatterFollowUp)
        # Visits: who recorded or changed one, and who went (never an ID number: the service
        # refuses an address or notes holding one before anything is saved or logged).
        auditlog.register(Visit, m2m_fields={"visitors"})
