from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Co-building activities, funding, volunteer teams, sign-up and attendance."""

    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from auditlog.registry import auditlog

        from . import (
            own_data,  # noqa: F401  (adds its sheets to a member's own data file)
            pickers,  # noqa: F401  (registers the picker source)
            sections,  # noqa: F401  (registers the cards this app adds to pages)
        )
        from .models import (
            Activity,
            Attendance,
            CommunityBallot,
            Funding,
            ServiceRating,
            ServiceTeam,
            VenueImprovement,
        )

        # Funding lines are audited from their first save: an edit after a line is received
        # shows in its history with who and when.
        auditlog.register(Funding)
        auditlog.register(Activity, m2m_fields={"branches", "units", "teams"})
        auditlog.register(Attendance)
        auditlog.register(ServiceTeam, m2m_fields={"members"})
        auditlog.register(VenueImprovement, m2m_fields={"funding_lines"})
        # Two-way evaluation: the community's ratings with who and when; of a member's rating
        # of a community only the ballot (that they rated). The rating itself is never
        # registered: its log entry would name the member beside the score.
        auditlog.register(ServiceRating)
        auditlog.register(CommunityBallot)
