"""Forms of the attendance pages: ticking a roster, editing an attendance's hours."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import IdsMultipleChoiceField
from core.pickers import use_picker

from .models import AttendanceMethod


def _hours_field(**kwargs):
    return forms.DecimalField(
        label=_("Volunteer hours"), max_digits=3, decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "24"}),
        **kwargs,
    )


class MemberChoiceField(IdsMultipleChoiceField):
    """Members by name only: no ID number or mobile on these pages."""

    def label_from_instance(self, obj):
        return obj.name


class RosterForm(forms.Form):
    """Staff tick who was there: the registered members, plus anyone else of the committee."""

    present = MemberChoiceField(
        label=_("Signed up and present"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others = MemberChoiceField(
        label=_("Also present (other members of the committee)"), queryset=None,
        required=False,
    )
    hours = _hours_field(
        required=False,
        help_text=_("Leave empty for the activity's length."),
    )
    reason = forms.CharField(
        label=_("Reason for the late check-in"), max_length=200, required=False,
        help_text=_("Needed after the activity's end date (补签)."),
    )

    def __init__(self, *args, registered, others, late, committee_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = registered
        self.fields["others"].help_text = _("Type to find each member who came.")
        use_picker(self, "others", "members", queryset=others, url_args=[committee_id],
                   multiple=True)
        self.late = late
        if not late:
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("present") and not cleaned.get("others"):
            raise forms.ValidationError(_("Tick at least one member who was present."))
        if self.late and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the check-in is late."))
        return cleaned

    def members(self):
        """Everyone ticked, registered first, each once."""
        seen, chosen = set(), []
        for member in [*self.cleaned_data["present"], *self.cleaned_data["others"]]:
            if member.pk not in seen:
                seen.add(member.pk)
                chosen.append(member)
        return chosen


class ActivityAttendanceForm(forms.Form):
    """The hours of one attendance (and the reason of a late one)."""

    hours = _hours_field()
    reason = forms.CharField(label=_("Reason for the late check-in"), max_length=200)

    def __init__(self, *args, attendance, **kwargs):
        kwargs.setdefault("initial", {"hours": attendance.hours, "reason": attendance.reason})
        super().__init__(*args, **kwargs)
        if attendance.method != AttendanceMethod.LATE:
            del self.fields["reason"]
