from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices down, reports up (上传下达): the district or a committee sends a notice, each
    recipient (a committee, a branch, a resident unit's liaisons) signs it off (签收) and, where
    asked, replies (信息报送)."""

    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from auditlog.registry import auditlog

        from . import (
            own_data,  # noqa: F401  (adds its sheets to a member's own data file)
            sections,  # noqa: F401  (registers its cards on branch and unit pages)
        )
        from .models import Notice, NoticeRecipient, NoticeReply

        auditlog.register(Notice)
        auditlog.register(NoticeRecipient)
        auditlog.register(NoticeReply)
