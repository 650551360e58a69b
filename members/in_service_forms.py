"""Forms of the in-service members' pages: a group, ending a check-in, moving check-ins into a
group. The services (``members.in_service``, ``members.checkins``) check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdsMultipleChoiceField
from core.pickers import use_picker

from .in_service import checked_in_members
from .models import CheckIn, EndReason, InServiceGroup


class InServiceGroupForm(forms.ModelForm):
    """Name, leader (among the members checked in to the committee) and what it covers. No
    secretary, no term: a group is not a branch."""

    class Meta:
        model = InServiceGroup
        fields = ["name", "leader", "description"]

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].help_text = _("An in-service member checked in to this community.")
        use_picker(self, "leader", "members", queryset=checked_in_members(committee),
                   url_args=[committee.pk], url_query="only=checked_in")
        leader = self.fields["leader"]
        leader.error_messages["invalid_choice"] = _(
            "The leader must be an in-service member checked in to this community."
        )


class CheckInEndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("reason for ending"), choices=[("", "---------"), *EndReason.choices],
        error_messages={"required": _("Say why the check-in ends.")},
    )
    note = forms.CharField(
        label=_("note"), max_length=200, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the reason is “Other”."),
    )


class CheckInMoveForm(forms.Form):
    """Check-ins chosen on the in-service list, and the group they go to (none: no group)."""

    checkins = IdsMultipleChoiceField(
        queryset=CheckIn.objects.none(),
        error_messages={"required": _("Choose at least one member.")},
    )
    group = forms.ModelChoiceField(
        label=_("Move to"), queryset=InServiceGroup.objects.none(), required=False,
        empty_label=_("(no group)"),
    )

    def __init__(self, *args, checkins, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkins"].queryset = checkins
        self.fields["group"].queryset = groups
