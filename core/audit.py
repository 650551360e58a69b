"""Audit entries for reads of personal data: a reveal on screen, an export, a download.

Every export or download that carries a full ID number or a full mobile writes one entry
(django-auditlog's ``LogEntry`` with the ACCESS action): who, what, how many rows. The entry
is attached to the object the file is about (a committee's roster, an import, a member) and
never holds the personal data itself.
"""

from auditlog.models import LogEntry


def record_download(*, user, obj, what: str, rows: int, fields=()) -> LogEntry:
    """Write the audit entry of a file with personal data given to ``user``.

    ``what`` names the file (e.g. ``"roster export"``), ``rows`` how many people it holds and
    ``fields`` which full values it carries (``"id_number"``, ``"mobile"``)."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user,
        serialized_data=None, changes=None,
        additional_data={"download": what, "rows": rows, "fields": list(fields)},
    )
