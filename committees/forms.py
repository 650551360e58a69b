from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, check_term
from core.pickers import use_picker

from .models import Committee, Seat, Venue


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "street", "address", "established", "term_start", "term_end"]
        widgets = {
            "established": DateInput(), "term_start": DateInput(), "term_end": DateInput(),
        }

    def clean(self):
        data = super().clean()
        check_term(self)
        return data


class SeatForm(forms.ModelForm):
    class Meta:
        model = Seat
        fields = [
            "role", "member", "holder_name", "unit", "title",
            "term_start", "term_end", "commitment",
        ]
        widgets = {
            "term_start": DateInput(),
            "term_end": DateInput(),
            "commitment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        # Members and units are apps above committees: named by label, as the seat's foreign
        # keys name them, not imported (docs/decisions.md).
        member, unit = apps.get_model("members.Member"), apps.get_model("units.Unit")
        self.fields["member"].help_text = _("A member on this committee's roster.")
        use_picker(self, "member", "members", url_args=[committee.pk],
                   queryset=member.objects.for_user(user).filter(committee=committee))
        use_picker(self, "unit", "units", queryset=unit.objects.for_user(user))

    def clean(self):
        data = super().clean()
        member, holder_name = data.get("member"), data.get("holder_name")
        if member and holder_name:
            self.add_error(
                "holder_name",
                _("Leave the name empty when the seat is held by a member on the roster."),
            )
        elif not member and not holder_name:
            self.add_error("member", _("Choose a member, or enter the name of a unit's person."))
        elif holder_name and not data.get("unit"):
            self.add_error("unit", _("Choose the resident unit this person comes from."))
        return data


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "area", "unit", "keeper"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # above committees: named, not imported
        unit, member = apps.get_model("units.Unit"), apps.get_model("members.Member")
        committee = self.instance.committee
        self.fields["unit"].help_text = _("Leave empty when the community itself provides it.")
        use_picker(self, "unit", "units", queryset=unit.objects.for_user(user))
        self.fields["area"].help_text = _(
            "Today's area. A renovation or a new room that changes it is recorded as an "
            "improvement, with its date, on the venue's improvements page.")
        if self.instance.pk and self.instance.improvements.exists():
            # Its history is read back from today's area through the dated changes: once there
            # are any, the area changes only by another (a stale form would rewrite the past).
            self.fields["area"].disabled = True
            self.fields["area"].help_text = _(
                "Changed only by an improvement, with its date, on the venue's improvements "
                "page: the area over time is read from them.")
        self.fields["keeper"].help_text = _(
            "A member on this committee's roster who looks after the room and organises study "
            "there (optional).")
        use_picker(self, "keeper", "members", url_args=[committee.pk],
                   queryset=member.objects.for_user(user).filter(committee=committee))
