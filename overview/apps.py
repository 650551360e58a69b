from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that gather every app at once: each user's landing page, the district's page
    and a committee's page; and the demo district (``seed_demo``). The top of the layering:
    it imports from every app, and none imports it (docs/decisions.md)."""

    name = "overview"
    verbose_name = _("Overview")

    def ready(self):
        from . import figures_signals

        figures_signals.connect()
