from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Resident units")

    def ready(self):
        from auditlog.registry import auditlog

        from . import pickers  # noqa: F401  (registers the picker source)
        from .models import Agreement, Need, Project, Resource, Unit

        for model in (Unit, Agreement, Need, Resource):
            auditlog.register(model)
        auditlog.register(Project, m2m_fields={"resources", "units"})
