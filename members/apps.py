from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from auditlog.registry import auditlog

        from . import pickers  # noqa: F401  (registers the picker source)
        from .models import Appraisal, CheckIn, Commitment, Member, SignUp, Transfer

        # The ID number and mobile never reach the audit log in clear.
        auditlog.register(Member, mask_fields=["id_number", "mobile"])
        auditlog.register(SignUp, mask_fields=["id_number", "mobile"])
        for model in (CheckIn, Transfer, Commitment, Appraisal):
            auditlog.register(model)
