from copy import copy

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .dates import parse_month


class DateInput(forms.DateInput):
    """A native date picker (phones show their own), ISO-formatted so browsers accept it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (phones show their own), in the format browsers accept
    for ``datetime-local``; the value is read in the current time zone (Asia/Shanghai)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MonthField(forms.CharField):
    """A month typed (or picked) as ``YYYY-MM``; cleans to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        first = parse_month(value)
        if first is None:
            raise ValidationError(
                _("Enter a month as year and month, e.g. 2026-03."), code="invalid"
            )
        return first


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            target = field_name if field_name in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


def _listed(choices) -> list:
    """A select's choices as a list. A model choice field's are read in one plain query: its
    iterator reads them with ``.iterator()``, which on PostgreSQL declares a server-side cursor
    (``WITH HOLD`` outside a transaction: 4 ms on the roster's dozen branches), and ``list()``
    of the iterator would count them first."""
    if isinstance(choices, ModelChoiceIterator):
        rows = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
        return rows + [choices.choice(obj) for obj in choices.queryset.all()]
    return list(choices)


SELECTED = mark_safe(" selected")  # an option's attribute, no value in it


class BootstrapBoundField(BoundField):
    """A field whose widget carries Bootstrap's classes itself (``form-control``,
    ``form-select``, ``form-check-input``; ``is-invalid`` when it has errors), for a form
    written out in its template with ``includes/_field.html`` instead of crispy: the roster's
    filter form, on the busiest page, where crispy took a quarter of the request."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = " ".join(c for c in (widget.attrs.get("class"), css) if c)
        return attrs

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        """A plain single ``<select>`` is written here in Python, the same markup Django's
        template-rendered widget writes (a test compares the two): Django renders each option
        through two templates, which was most of the roster's form (issue 16). Anything else
        (option groups, multiple choice, other widgets) renders as Django renders it."""
        widget = widget or self.field.widget
        if type(widget) is not forms.Select or only_initial:
            return super().as_widget(widget, attrs, only_initial)
        choices = _listed(widget.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            widget = copy(widget)
            widget.choices = choices
            return super().as_widget(widget, attrs, only_initial)
        attrs = self.build_widget_attrs(attrs or {}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        final = widget.build_attrs(widget.attrs, attrs)
        wanted = widget.format_value(self.value())
        options, chosen = [], False
        for value, label in choices:
            value = "" if value is None else str(value)
            selected = not chosen and value in wanted
            chosen = chosen or selected
            options.append((value, SELECTED if selected else "", label))
        return format_html(
            '<select name="{}"{}>{}</select>', self.html_name, flatatt(final),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )


class BootstrapForm(forms.Form):
    """A form whose fields render with Bootstrap's classes (see ``BootstrapBoundField``)."""

    bound_field_class = BootstrapBoundField


BIGINT = 2**63


class IdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses ids no database column can hold (SQLite raises
    OverflowError on them, a server error, where the user should read "not one of the
    choices")."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # the parent class reports it
            if not -BIGINT <= number < BIGINT:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def check_term(form: forms.BaseForm) -> None:
    """A term (换届) ends after it starts: the error goes on the end date."""
    start, end = form.cleaned_data.get("term_start"), form.cleaned_data.get("term_end")
    if start and end and end <= start:
        form.add_error("term_end", ValidationError(_("The term must end after it starts.")))


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying that a mobile number signs in too (core/auth.py)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username or mobile number")
        username.help_text = _("Members who signed up themselves sign in with their mobile "
                               "number.")
        username.widget.attrs["autocomplete"] = "username"


class OneTimeCodeInput(forms.TextInput):
    """The 6-digit code of an authenticator app: phones show the number pad and offer a code
    they received (``autocomplete=one-time-code``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                "pattern": "[0-9 ]*", "maxlength": "7", "autofocus": True,
                                "class": "form-control-lg", **(attrs or {})})


class TotpCodeForm(forms.Form):
    code = forms.CharField(label=_("6-digit code"), widget=OneTimeCodeInput(),
                           help_text=_("The code your authenticator app shows now."))

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(_("Type the 6 digits the app shows."), code="invalid")
        return code


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Backup code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none",
                                      "spellcheck": "false", "autofocus": True}),
        help_text=_("One of the backup codes you were given; each works once."),
    )


class TwoFactorDisableForm(forms.Form):
    """Turning two-step sign-in off: a current code or the password proves it is the user."""

    code = forms.CharField(label=_("Current code or backup code"), required=False,
                           max_length=20, widget=forms.TextInput(
                               attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false"}))
    password = forms.CharField(label=_("Or your password"), required=False, strip=False,
                               widget=forms.PasswordInput(
                                   attrs={"autocomplete": "current-password"}))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and not cleaned.get("password"):
            raise ValidationError(_("Type a current code or your password."), code="required")
        return cleaned
