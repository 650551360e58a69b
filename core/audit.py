"""Audit entries for reads of personal data: a reveal on screen, an export, a download.

Every export or download that carries a full ID number or a full mobile writes one entry
(django-auditlog's ``LogEntry`` with the ACCESS action): who, what, how many rows. The entry
is attached to the object the file is about (a committee's roster, an import, a member) and
never holds the personal data itself.

Three kinds of ACCESS entries are written, told apart by their shape (so that entries written
before the kinds were named read the same):

* a download (``record_download``): ``additional_data`` holds ``download`` (one of
  ``DOWNLOADS``), ``rows`` and ``fields``;
* a secretary's password link (``record_password_link``): ``changes`` has a ``password`` key;
* a full ID number shown on screen (``record_reveal``): neither.

The district browses them (``overview.access_log``).
"""

from auditlog.models import LogEntry
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext

# What a download is, as ``record_download(what=...)`` names it (stored, so never renamed).
ROSTER_EXPORT = "roster export"
IMPORT_CORRECTIONS = "import corrections"
OWN_DATA = "own data"
DOWNLOADS = {
    ROSTER_EXPORT: gettext_lazy("Roster export"),
    IMPORT_CORRECTIONS: gettext_lazy("File of rows to correct"),
    OWN_DATA: gettext_lazy("A member's own data"),
}
# The full values a file may carry, as ``fields`` names them.
FIELDS = {
    "id_number": gettext_lazy("ID number"),
    "mobile": gettext_lazy("mobile"),
    "address": gettext_lazy("address"),
}

REVEAL = "reveal"
PASSWORD_LINK = "password-link"  # noqa: S105 (a kind of entry, not a password)
_PASSWORD = Q(changes__has_key="password")
_DOWNLOAD = Q(additional_data__has_key="download")
# kind -> (label, which entries). The keys are what the browse page's filter sends.
KINDS = {
    REVEAL: (gettext_lazy("Full ID number shown"), ~_DOWNLOAD & ~_PASSWORD),
    PASSWORD_LINK: (gettext_lazy("Password link made"), _PASSWORD),
    **{
        what.replace(" ", "-"): (label, Q(additional_data__download=what))
        for what, label in DOWNLOADS.items()
    },
}


def record_download(*, user, obj, what: str, rows: int, fields=()) -> LogEntry:
    """Write the audit entry of a file with personal data given to ``user``.

    ``what`` names the file (one of ``DOWNLOADS``), ``rows`` how many people it holds and
    ``fields`` which full values it carries (keys of ``FIELDS``)."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user,
        serialized_data=None, changes=None,
        additional_data={"download": what, "rows": rows, "fields": list(fields)},
    )


def record_reveal(*, user, obj) -> LogEntry:
    """Write the audit entry of a full ID number shown on screen to ``user`` (the member's
    own, or one proposed for them)."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user, serialized_data=None
    )


def record_password_link(*, user, obj) -> LogEntry:
    """Write the audit entry of a password-reset link made by ``user`` for ``obj``'s account."""
    return LogEntry.objects.log_create(
        obj, force_log=True, action=LogEntry.Action.ACCESS, actor=user, serialized_data=None,
        changes={"password": ["", "reset link made by the secretary"]},
    )


def access_entries():
    """Every ACCESS entry (reveals, password links, downloads)."""
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


def kind_label(entry: LogEntry) -> str:
    """What ``entry`` records, in the reader's language (an unknown download by its name)."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if "download" in data:
        return str(DOWNLOADS.get(data["download"], data["download"]))
    if isinstance(entry.changes, dict) and "password" in entry.changes:
        return str(KINDS[PASSWORD_LINK][0])
    return str(KINDS[REVEAL][0])


def rows_of(entry: LogEntry) -> int:
    """How many people's data ``entry`` gave out: a download's rows, else one."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    return int(data.get("rows", 1) or 0)


def fields_label(entry: LogEntry) -> str:
    """Which full values ``entry`` gave out, in the reader's language."""
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if "download" in data:
        names = data.get("fields") or []
    elif isinstance(entry.changes, dict) and "password" in entry.changes:
        names = []
    else:
        names = ["id_number"]
    return pgettext("between list items", ", ").join(str(FIELDS.get(name, name)) for name in names)
