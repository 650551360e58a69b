"""Forms and list filters for resident units and co-building agreements. (The needs, resources
and projects lists have theirs in ``list_forms.py``.)"""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from committees.models import Seat
from core.forms import DateInput
from core.pickers import use_picker

from .agreements import agreements_with_status
from .models import Agreement, AgreementStatus, Unit, UnitKind


class UnitForm(forms.ModelForm):
    """A unit's details. Its district is set by the view; given ``districts`` (a user who may
    add units in several, such as a superuser), the user picks one of them."""

    class Meta:
        model = Unit
        fields = [
            "district", "name", "kind", "address", "contact_name", "contact_phone",
            "party_organisation_name", "party_member_count",
        ]

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = districts
        else:
            del self.fields["district"]


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="name", lookup_expr="contains",
        help_text=_("Part of the unit's name"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=UnitKind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = Unit
        fields = ["q", "kind"]


class AgreementForm(forms.ModelForm):
    """A new agreement, or changes to one. Once in force its unit and end are fixed here: the
    end moves by renewing or ending it, so the seats made from it follow."""

    class Meta:
        model = Agreement
        fields = [
            "unit", "status", "signed_on", "starts_on", "ends_on",
            "committee_commits", "unit_commits",
        ]
        widgets = {
            "signed_on": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "committee_commits": forms.Textarea(attrs={"rows": 4}),
            "unit_commits": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "unit", "units", queryset=Unit.objects.for_user(user).filter(
            district_id=committee.district_id
        ))
        if self.instance.pk and self.instance.status != AgreementStatus.DRAFT:
            del self.fields["status"]
            for name in ("unit", "ends_on"):
                self.fields[name].disabled = True
            self.fields["ends_on"].help_text = _(
                "Renew or end the agreement to change the end of its term."
            )
        else:
            self.fields["status"].choices = [
                (AgreementStatus.DRAFT, AgreementStatus.DRAFT.label),
                (AgreementStatus.IN_FORCE, AgreementStatus.IN_FORCE.label),
            ]
            self.fields["status"].help_text = _(
                "In force once both sides have signed it; then say on which day."
            )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The term cannot end before it starts."))
        return data


class AgreementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, empty_label=_("All"),
        method="filter_status",
    )

    class Meta:
        model = Agreement
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        return agreements_with_status(queryset, value)


class RenewForm(forms.Form):
    new_end = forms.DateField(label=_("New end of the term"), widget=DateInput())

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_end"].help_text = _(
            "The term now ends on %(date)s. Seats made from the agreement that end with it "
            "are extended too."
        ) % {"date": agreement.ends_on.isoformat()}


class EndForm(forms.Form):
    on = forms.DateField(
        label=_("Ended on"), widget=DateInput(), initial=timezone.localdate,
        help_text=_("Today, or the day the two sides agreed to end it."),
    )


def _seat_label(name):
    return capfirst(Seat._meta.get_field(name).verbose_name)


class AgreementSeatForm(forms.Form):
    """A part-time seat for the unit's person: the term comes from the agreement."""

    holder_name = forms.CharField(label=_seat_label("holder_name"), max_length=50)
    title = forms.CharField(
        label=_seat_label("title"), max_length=100, required=False,
        help_text=_("e.g. the unit's party secretary"),
    )
    commitment = forms.CharField(
        label=_seat_label("commitment"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Seat._meta.get_field("commitment").help_text,
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_name"].help_text = _(
            "The seat runs from today (or the start of the agreement) to the end of the "
            "agreement, %(date)s, and is renewed or ended with it."
        ) % {"date": agreement.ends_on.isoformat()}
