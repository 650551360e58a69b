from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Roles and scope")

    def ready(self):
        from auditlog.registry import auditlog
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_idle_limit
        from .models import RoleAssignment
        from .two_factor import remember_state
        from .validators import guard_text_fields

        auditlog.register(RoleAssignment)
        guard_text_fields(apps.get_models())
        user_logged_in.connect(remember_idle_limit, dispatch_uid="core.idle_limit")
        user_logged_in.connect(remember_state, dispatch_uid="core.two_factor_state")

