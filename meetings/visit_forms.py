"""Forms of visits (走街串户) and early warning. The services (``meetings.visits``,
``meetings.matters``) check the rules again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pickers import use_picker
from members.selectors import committee_members

from . import matters
from .models import Matter, MatterKind, Visit


class VisitForm(forms.ModelForm):
    """A visit as its visitor types it on a phone: when, where, what was heard, and, when
    something there needs following up, the matter it raises. The committee's side also names
    who went (a member recording goes themselves) and the volunteer team."""

    raise_matter = forms.BooleanField(
        label=_("This visit raises a matter"), required=False,
        help_text=_("A dispute starting, a need, a complaint: it goes to the committee as a "
                    "matter (一事一议)."),
    )
    matter_title = forms.CharField(label=_("the matter in a few words"), required=False,
                                   max_length=100)
    matter_kind = forms.ChoiceField(label=_("kind of matter"), choices=MatterKind.choices,
                                    initial=MatterKind.DISPUTE, required=False)
    risk_flag = forms.BooleanField(
        label=_("Risk of escalation (上访苗头)"), required=False,
        help_text=_("Tick it when the dispute could lead to a petition."),
    )

    class Meta:
        model = Visit
        fields = ["visited_on", "place_kind", "address", "heard", "visitors", "team"]
        widgets = {
            "visited_on": DateInput(),
            "place_kind": forms.RadioSelect,
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "heard": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, committee, side: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if side:
            use_picker(self, "visitors", "members", queryset=committee_members(committee),
                       url_args=[committee.pk], multiple=True)
            self.fields["visitors"].help_text = _("The members who went. Several may be named.")
            use_picker(self, "team", "teams", url_query=f"committee={committee.pk}",
                       queryset=matters.committee_teams(committee))
        else:
            # A member records their own visit: they are its visitor.
            del self.fields["visitors"]
            del self.fields["team"]
        if not self.initial.get("visited_on"):
            self.initial["visited_on"] = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("raise_matter") and not (cleaned.get("matter_title") or "").strip():
            self.add_error("matter_title", _("Say in a few words what the matter is."))
        return cleaned

    def visit_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("visited_on", "place_kind", "address", "heard")}
        if "visitors" in self.fields:
            fields["visitors"] = list(data["visitors"])
            fields["team"] = data["team"]
        return fields

    def matter_fields(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("raise_matter"):
            return None
        return {"title": data["matter_title"], "kind": data["matter_kind"] or MatterKind.DISPUTE,
                "risk_flag": data["risk_flag"]}


class VisitMatterForm(forms.ModelForm):
    """A matter raised from a visit: what it is; the description starts as what was heard."""

    class Meta:
        model = Matter
        fields = ["title", "kind", "parties", "description", "risk_flag"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = MatterKind.DISPUTE
        self.fields["description"].initial = visit.heard
