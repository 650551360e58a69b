from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Roles and scope")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import RoleAssignment

        auditlog.register(RoleAssignment)
