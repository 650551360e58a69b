"""Search pickers: choosing a member, a unit, a team or a branch among hundreds by typing.

A picker field is a ``ModelChoiceField`` (or its multiple kind) whose widget renders only what
is chosen, never the whole queryset: a ``<select>`` holding the chosen rows, and beside it a
search box. With JavaScript, ``static/js/picker.js`` turns the select into a Tom Select combobox
(keyboard and screen-reader usable) that loads matches from the source's URL as one types.
Without JavaScript the search box is a plain search: the text is sent with the form, one match
is taken, several are offered in the select with a message to choose one, none is an error
naming the field. The field's queryset stays the rule: whatever the page or the URL suggests,
a row outside it is refused.

A source says how rows are searched and described (a label and a detail line that tells two
王建国 apart: branch, masked mobile, category); each app defines its sources and the views that
answer the search (``picker_response``), scoped by ``for_user`` like every other read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .forms import BIGINT

LIMIT = 20  # matches offered at once; more means "type more"


def name_search(queryset, text: str):
    """Rows whose name contains the text (units, teams, branches: tens, not thousands)."""
    text = (text or "").strip()
    return queryset.filter(name__icontains=text) if text else queryset


def name_only(obj) -> tuple[str, str]:
    return obj.name, ""


def committee_and_kind(obj) -> tuple[str, str]:
    """A branch or a team: its name, with its committee and kind (``prepare_committee``)."""
    return obj.name, f"{obj.committee.name} · {obj.get_kind_display()}"


def prepare_committee(queryset):
    return queryset.select_related("committee").only(
        "pk", "name", "kind", "committee_id", "committee__name"
    )


@dataclass(frozen=True)
class Source:
    """How one kind of row is looked up: ``search(queryset, text)`` narrows a queryset,
    ``describe(obj)`` gives ``(label, detail)``, ``prepare(queryset)`` loads what describe
    reads (one query for the lot), ``url_name`` answers the search as JSON."""

    url_name: str
    search: Callable = name_search
    describe: Callable = name_only
    prepare: Callable = lambda queryset: queryset  # noqa: E731
    placeholder: str = _("Type a name")


SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> Source:
    """Name a source so that apps below the one that defines it (committees, branches) can
    use it without importing it (docs/decisions.md: apps import only downwards)."""
    SOURCES[name] = source
    return source


class Query(str):
    """Text typed in a picker's search box and sent with the form (no JavaScript)."""


_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only ("²".isdigit() is true)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ids(values) -> list[int]:
    out = []
    for value in values:
        if isinstance(value, Query):
            continue
        text = str(getattr(value, "pk", value)).strip()
        if _ID.fullmatch(text) and int(text) < BIGINT:
            out.append(int(text))
    return out


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


class PickerWidget(forms.Widget):
    template_name = "core/widgets/picker.html"
    multiple = False

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.source: Source | None = None
        self.source_url = ""
        self.search_label = ""
        self.queryset = None
        self.matches: list = []

    def value_from_datadict(self, data, files, name):
        text = _CONTROL.sub("", data.get(f"{name}_q") or "").strip()[:50]
        if self.multiple:
            values = data.getlist(name) if hasattr(data, "getlist") else _as_list(data.get(name))
            values = [v for v in values if v not in ("", None)]
            return [*values, Query(text)] if text else values
        # Typed text wins over the select: on an edit form the select holds the current
        # choice, and the text is what the user asks for instead.
        return Query(text) if text else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # A multiple select sends nothing when emptied (as Django's SelectMultiple says).
        return not self.multiple and name not in data and f"{name}_q" not in data

    def _option(self, obj, selected: bool) -> dict:
        label, detail = self.source.describe(obj)
        return {"value": str(obj.pk), "label": label, "detail": detail, "selected": selected}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = _as_list(value)
        chosen_ids = _ids(values)
        chosen = []
        if chosen_ids and self.queryset is not None:
            by_pk = {o.pk: o for o in self.source.prepare(self.queryset.filter(pk__in=chosen_ids))}
            chosen = [by_pk[pk] for pk in dict.fromkeys(chosen_ids) if pk in by_pk]
        offered = [o for o in self.matches if o.pk not in set(chosen_ids)]
        # After "several match" the text is not sent again: choosing in the list must win.
        query = "" if self.matches else next((v for v in values if isinstance(v, Query)), "")
        context["widget"].update(
            multiple=self.multiple,
            options=[self._option(o, True) for o in chosen] + [
                self._option(o, False) for o in offered
            ],
            search_name=f"{name}_q",
            query=query,
            source_url=self.source_url,
            search_label=self.search_label,
            placeholder=self.source.placeholder if self.source else "",
        )
        return context


class PickerMultipleWidget(PickerWidget):
    multiple = True


class _PickerMixin:
    """What the single and multiple picker fields share: the source, its URL, and the
    search made on submit when the text came without a choice (no JavaScript)."""

    def setup(self, source: Source, url: str):
        self.source = source
        self.widget.source = source
        self.widget.source_url = url
        self.widget.queryset = self.queryset
        if not self.help_text:
            self.help_text = source.placeholder

    def _set_queryset(self, queryset):
        # Never hand the widget the choices: it renders only what is chosen.
        self._queryset = None if queryset is None else queryset.all()
        if hasattr(self, "widget") and isinstance(self.widget, PickerWidget):
            self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def get_bound_field(self, form, field_name):
        # The label as the form has it now (a form may rename a field after making it).
        self.widget.search_label = self.label or ""
        return super().get_bound_field(form, field_name)

    def _found(self, text: str, exclude=()):
        matches = list(
            self.source.prepare(
                self.source.search(self.queryset.exclude(pk__in=list(exclude)), text)
            )[: LIMIT + 1]
        )
        if len(matches) == 1:
            return matches[0]
        self.widget.matches = matches[:LIMIT]
        if not matches:
            raise ValidationError(
                _("Nothing matches “%(text)s”. Try fewer characters."),
                code="not_found", params={"text": text},
            )
        raise ValidationError(
            _("Several match “%(text)s”: choose one in the list above."),
            code="several", params={"text": text},
        )


class PickerChoiceField(_PickerMixin, forms.ModelChoiceField):
    widget = PickerWidget

    def to_python(self, value):
        if isinstance(value, Query):
            return self._found(str(value))
        if value not in self.empty_values and not _ids([value]):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class PickerMultipleChoiceField(_PickerMixin, forms.ModelMultipleChoiceField):
    widget = PickerMultipleWidget

    def clean(self, value):
        values = _as_list(value)
        query = next((v for v in values if isinstance(v, Query)), None)
        raw = [v for v in values if not isinstance(v, Query)]
        if len(_ids(raw)) != len(raw):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": next(v for v in raw if not _ids([v]))})
        if query is None:
            return super().clean(raw)
        chosen = list(super().clean(raw)) if raw else []
        found = self._found(str(query), exclude=[o.pk for o in chosen])
        return self.queryset.filter(pk__in=[*(o.pk for o in chosen), found.pk])

    def has_changed(self, initial, data):
        return super().has_changed(initial, [v for v in _as_list(data) if not isinstance(v, Query)])


def use_picker(form: forms.BaseForm, name: str, source: Source | str, *, queryset,
               url_args=(), url_query: str = "", multiple: bool = False) -> None:
    """Turn ``form.fields[name]`` into a picker over ``queryset`` (``source``: a Source or a
    registered name; ``url_query`` narrows what its URL offers, e.g. ``only=checked_in``),
    keeping the field's label, help text, requiredness, initial value and disabled state
    (set error messages and the like after this call)."""
    if isinstance(source, str):
        source = SOURCES[source]
    old = form.fields[name]
    kind = PickerMultipleChoiceField if multiple else PickerChoiceField
    new = kind(
        queryset=queryset, required=old.required, label=old.label,
        help_text=old.help_text, initial=old.initial, disabled=old.disabled,
    )
    url = reverse(source.url_name, args=url_args)
    new.setup(source, f"{url}?{url_query}" if url_query else url)
    form.fields[name] = new


def id_param(request, name: str) -> int | None:
    """``?name=<id>`` as an id: ``None`` when absent, 0 (matches nothing) when not an id."""
    text = request.GET.get(name)
    if not text:
        return None
    return int(text) if _ID.fullmatch(text) and int(text) < BIGINT else 0


def picker_response(request, queryset, source: Source) -> JsonResponse:
    """The matches for ``?q=`` among ``queryset`` (already scoped to the user), as JSON:
    ``{"results": [{"value", "label", "detail"}], "more": bool}``."""
    # Control characters (a NUL is refused by PostgreSQL) are no part of any name.
    text = _CONTROL.sub("", request.GET.get("q") or "")[:50]
    rows = list(source.prepare(source.search(queryset, text))[: LIMIT + 1])
    results = []
    for obj in rows[:LIMIT]:
        label, detail = source.describe(obj)
        results.append({"value": str(obj.pk), "label": label, "detail": detail})
    return JsonResponse({"results": results, "more": len(rows) > LIMIT})
