"""The form of a funding line. The service (``activities.funding.funding_save``) checks the
rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pickers import use_picker
from units.models import Unit

from .models import Funding, FundingSource


class FundingForm(forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["source", "unit", "donor", "amount", "state", "date", "note"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].help_text = _("Only for a resident unit's sponsorship.")
        use_picker(self, "unit", "units",
                   queryset=Unit.objects.filter(district_id=committee.district_id))
        amount = self.fields["amount"]
        amount.widget.attrs.update({"min": "0.01", "step": "0.01", "inputmode": "decimal"})

    def clean(self):
        cleaned = super().clean()
        source, unit = cleaned.get("source"), cleaned.get("unit")
        # Said on the unit field here, so the model's constraint is not repeated above the form.
        if source == FundingSource.UNIT and unit is None and "unit" not in self.errors:
            self.add_error("unit", _("Choose the unit that sponsors it."))
        elif source and source != FundingSource.UNIT and unit is not None:
            self.add_error(
                "unit",
                _("Only a resident unit's sponsorship names a unit: leave it empty and write "
                  "the donor instead."),
            )
        return cleaned
