from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Committees")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Committee, District, Seat, Venue

        auditlog.register(District)
        auditlog.register(Committee)
        auditlog.register(Seat)
        auditlog.register(Venue)
