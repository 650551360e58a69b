from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branches")

    def ready(self):
        from auditlog.registry import auditlog

        from . import pickers  # noqa: F401  (registers the picker source)
        from .models import Branch

        auditlog.register(Branch)
