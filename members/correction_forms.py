"""Forms of correction requests: the member's request and the secretary's decision. The
services (``members.corrections``) check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CorrectionField


class CorrectionRequestForm(forms.Form):
    field = forms.ChoiceField(
        label=_("What is wrong"), choices=[("", "---------"), *CorrectionField.choices],
        error_messages={"required": _("Choose what is wrong.")},
    )
    proposed_value = forms.CharField(
        label=_("The right value"), max_length=200, required=False,
        help_text=_("Dates as 2024-07-01. Your ID number and mobile are shown only to those "
                    "who keep your record."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is wrong, if a value alone does not say it (your employer, your "
                    "branch, something else)."),
    )


class CorrectionDecisionForm(forms.Form):
    ACCEPT, REFUSE = "accept", "refuse"
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accept")), (REFUSE, _("Refuse"))],
        error_messages={"required": _("Choose to accept or to refuse.")},
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False,
        help_text=_("Needed when refusing: the member reads it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
