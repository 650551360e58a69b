"""Terms of office (换届): a committee's, a branch's and a seat's term, and its state on a day.
Read by the committee and branch pages, the compliance table and the term reminders."""

from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_months

TERM_OVERDUE, TERM_ENDING, TERM_OK, TERM_UNKNOWN = "overdue", "ending", "ok", "unknown"
TERM_LABELS = {
    TERM_OVERDUE: _("re-election overdue"),
    TERM_ENDING: _("term ends soon"),
    TERM_OK: _("in term"),
    TERM_UNKNOWN: _("no term recorded"),
}
TERM_CLASSES = {
    TERM_OVERDUE: "text-bg-danger",
    TERM_ENDING: "text-bg-warning",
    TERM_OK: "text-bg-success",
    TERM_UNKNOWN: "text-bg-secondary",
}


def term_reminder_months() -> tuple[int, ...]:
    """How many months before a term's end it is reminded of (``TERM_REMINDER_MONTHS``),
    the earliest first."""
    return tuple(sorted(getattr(settings, "TERM_REMINDER_MONTHS", (6, 1)), reverse=True))


def term_state(term_end: date | None, today: date) -> str:
    if term_end is None:
        return TERM_UNKNOWN
    if term_end < today:
        return TERM_OVERDUE
    if today >= add_months(term_end, -term_reminder_months()[0]):  # counted back from the end
        return TERM_ENDING
    return TERM_OK


def term_badge(term_end: date | None, today: date | None = None) -> dict | None:
    """A committee's or branch's term for its page: the state's label and badge class, or
    None when no term is recorded."""
    state = term_state(term_end, today or timezone.localdate())
    if state == TERM_UNKNOWN:
        return None
    return {"state": state, "label": TERM_LABELS[state], "css": TERM_CLASSES[state]}
