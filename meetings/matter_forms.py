"""Forms of matters (一事一议). The services (``meetings.matters``) check the rules again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pickers import use_picker
from members.selectors import committee_members

from . import matters
from .models import Matter


class MatterForm(forms.ModelForm):
    """What the matter is, who raised it (one of a member, a unit, a resident), who answers
    for it and by when. The status moves on its own page."""

    class Meta:
        model = Matter
        fields = matters.EDITABLE
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 3}),
            "raised_on": DateInput(),
            "due_on": DateInput(),
        }
        help_texts = {
            "raised_by_member": _("Who raised it: a member, a unit, or a resident by name "
                                  "below. Only one."),
            "decision": _("What the meeting decided; it can also be recorded when the "
                          "status changes."),
            "due_on": _("When it should be done by. Past this day the matter shows as "
                        "overdue."),
            "mediator": _("The member who settled it there and then, when one did."),
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        people, units = committee_members(committee), matters.committee_units(committee)
        for name in ("raised_by_member", "responsible_member", "mediator"):
            use_picker(self, name, "members", queryset=people, url_args=[committee.pk])
        for name in ("raised_by_unit", "responsible_unit"):
            use_picker(self, name, "units", queryset=units)
        use_picker(self, "responsible_team", "teams", url_query=f"committee={committee.pk}",
                   queryset=matters.committee_teams(committee))
        if self.instance.pk is None and not self.initial.get("raised_on"):
            # The instance's empty date would hide a field initial: say today on the form.
            self.initial["raised_on"] = timezone.localdate()


class MatterStatusForm(forms.Form):
    """Moving a matter on: only the moves open from where it is are offered."""

    status = forms.ChoiceField(label=_("new status"), widget=forms.RadioSelect)
    decision = forms.CharField(
        label=_("decision"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to mark it deliberated or in progress, unless already recorded."),
    )
    resolved_on = forms.DateField(
        label=_("resolved on"), required=False, widget=DateInput(),
        help_text=_("When resolving: the day it was resolved (today if left empty)."),
    )
    escalated_to = forms.CharField(
        label=_("escalated to"), required=False, max_length=100,
        help_text=_("When escalating: the street or district office that takes it over."),
    )

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status.value, status.label) for status in matters.next_statuses(matter)
        ]
        self.fields["decision"].initial = matter.decision
        self.fields["escalated_to"].initial = matter.escalated_to


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DateInput())
    text = forms.CharField(
        label=_("follow-up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, who was visited, what was agreed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MediatedForm(forms.Form):
    """Closing a matter as mediated on the spot (现场调解): who settled it, when, how."""

    mediator = forms.ModelChoiceField(label=_("mediator on the spot"), queryset=None)
    resolved_on = forms.DateField(
        label=_("resolved on"), required=False, widget=DateInput(),
        help_text=_("The day it was settled (today if left empty)."),
    )
    decision = forms.CharField(
        label=_("how it was settled"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        committee = matter.committee
        self.fields["mediator"].queryset = committee_members(committee)
        use_picker(self, "mediator", "members", queryset=committee_members(committee),
                   url_args=[committee.pk])
        self.fields["mediator"].help_text = _(
            "The member who was there at once and settled it (often a small-business member).")
        self.initial.setdefault("mediator", matter.mediator_id or matter.responsible_member_id)
        self.initial.setdefault("decision", matter.decision)
