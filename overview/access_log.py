"""The district's log of reads of personal data (个人信息访问记录): every full ID number shown on
screen, every password link made by a secretary and every download with full ID numbers or
mobiles (``core.audit``), about the district's members, committees and imports, newest first,
filtered by date, by reader and by kind.

An entry names who, when, what and about whom (the object's name, never an ID number); the
page reads it in two queries whatever the log's size (a count and one page).
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.forms import DateInput
from core.validators import refuse_control_characters

PAGE_SIZE = 50
# A run of digits as long as a mobile or an ID number, should a name (a file's, as uploaded)
# hold one: shown with its middle hidden.
_LONG_NUMBER = re.compile(r"\d{11,}[\dXx]?")

# The objects an ACCESS entry is attached to, with the way from each to its district: an
# entry is the district's when its object is. ``tests/overview/test_access_log.py`` checks
# that every object a personal-data read is recorded on is listed here.
OBJECTS = {
    "members.member": "committee__district",
    "members.rosterimport": "committee__district",
    "committees.committee": "district",
    "committees.district": "pk",
}


def _of_district(district) -> Q:
    """The entries attached to an object of ``district`` (subqueries: no query of its own)."""
    q = Q(pk__in=[])
    for label, path in OBJECTS.items():
        app_label, model_name = label.split(".")
        model = apps.get_model(app_label, model_name)
        q |= Q(
            content_type__app_label=app_label, content_type__model=model_name,
            object_id__in=model.objects.filter(**{path: district.pk}).values("pk"),
        )
    return q


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AccessLogForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The last day is before the first day."))
        return cleaned


class AccessLogFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label=_("First day"), method="filter_since", widget=DateInput(),
    )
    until = django_filters.DateFilter(
        label=_("Last day"), method="filter_until", widget=DateInput(),
    )
    who = django_filters.CharFilter(
        label=_("Who"), method="filter_who", max_length=100,
        validators=[refuse_control_characters],
        widget=forms.TextInput(attrs={"placeholder": _("Name or sign-in name")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("What"), method="filter_kind",
        choices=[(key, label) for key, (label, _q) in audit.KINDS.items()],
        empty_label=_("Everything"),
    )

    class Meta:
        model = LogEntry
        fields = ["since", "until", "who", "kind"]
        form = AccessLogForm

    def filter_since(self, queryset, name, value):
        return queryset.filter(timestamp__gte=_start_of(value)) if value else queryset

    def filter_until(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(timestamp__lt=_start_of(value + timedelta(days=1)))

    def filter_who(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor__first_name__icontains=value) | Q(actor__last_name__icontains=value)
            | Q(actor__username__icontains=value)
        )

    def filter_kind(self, queryset, name, value):
        return queryset.filter(audit.KINDS[value][1]) if value in audit.KINDS else queryset


def access_filter(district, data) -> AccessLogFilter:
    """The district's access entries, newest first, filtered by ``data`` (a GET); a bad value
    is named on its field and that filter left out."""
    queryset = (
        audit.access_entries().filter(_of_district(district))
        .select_related("actor", "content_type").order_by("-timestamp", "-pk")
    )
    return AccessLogFilter(data or None, queryset=queryset)


@dataclass
class AccessRow:
    at: datetime
    who: str
    what: str
    about: str
    about_kind: str
    rows: int
    fields: str
    address: str


def _hide_middle(match) -> str:
    number = match.group()
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def access_rows(entries) -> list[AccessRow]:
    """One row per entry of a page, as the page shows it (no query: the actor and the content
    type come with the entries)."""
    rows = []
    for entry in entries:
        actor = entry.actor
        model = entry.content_type.model_class()
        rows.append(AccessRow(
            at=timezone.localtime(entry.timestamp),
            who=(actor.get_full_name() or actor.get_username()) if actor else
            (entry.actor_email or ""),
            what=audit.kind_label(entry),
            about=_LONG_NUMBER.sub(_hide_middle, entry.object_repr),
            about_kind=str(model._meta.verbose_name) if model else "",
            rows=audit.rows_of(entry),
            fields=audit.fields_label(entry),
            address=entry.remote_addr or "",
        ))
    return rows
