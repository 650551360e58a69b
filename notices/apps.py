from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices down, reports up (上传下达): the district or a committee sends a notice, each
    recipient signs it off (签收) and, where asked, replies (信息报送)."""

    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from auditlog.registry import auditlog

        from . import sections  # noqa: F401  (registers the card this app adds to branch pages)
        from .models import Notice, NoticeRecipient, NoticeReply

        auditlog.register(Notice)
        auditlog.register(NoticeRecipient)
        auditlog.register(NoticeReply)
