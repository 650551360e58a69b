from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from auditlog.registry import auditlog

        from . import (
            own_data,  # noqa: F401  (the member's own data file: its sheets)
            pickers,  # noqa: F401  (registers the picker source)
        )
        from .models import (
            Appraisal,
            CheckIn,
            Commitment,
            CommitmentNote,
            CorrectionRequest,
            Member,
            SignUp,
            Transfer,
        )

        # The ID number and mobile never reach the audit log in clear.
        auditlog.register(Member, mask_fields=["id_number", "mobile"])
        auditlog.register(SignUp, mask_fields=["id_number", "mobile"])
        # A correction's values are masked in its history as on the record.
        auditlog.register(CorrectionRequest, mask_fields=["current_value", "proposed_value"])
        for model in (CheckIn, Transfer, Commitment, CommitmentNote, Appraisal):
            auditlog.register(model)
