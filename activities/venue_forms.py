"""The form of a venue improvement. The service (``activities.venues.improvement_save``)
checks the rules again, under the venue's lock."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .models import VenueImprovement


class FundingLineChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, line):
        giver = line.unit.name if line.unit_id else (line.donor or line.get_source_display())
        target = line.activity or line.project
        amount = number_format(line.amount, 2, force_grouping=True)
        return f"{line.date:%Y-%m-%d} · {giver} · ¥{amount} · {target}"


class VenueImprovementForm(forms.ModelForm):
    funding_lines = FundingLineChoice(
        label=_("Paid by"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The committee's funding lines that paid for it (each line pays for one "
                    "improvement only)."),
    )

    class Meta:
        model = VenueImprovement
        fields = ["on", "kind", "area_change", "description"]
        widgets = {"on": DateInput()}

    def __init__(self, *args, funding_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_lines"].queryset = funding_lines
        self.fields["area_change"].widget.attrs.update({"step": "0.1", "inputmode": "decimal"})
