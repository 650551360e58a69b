from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Co-building activities, meetings and matters (built by later issues)."""

    name = "activities"
    verbose_name = _("Activities")
