"""The form of a volunteer team. The service (``activities.teams.team_save``) checks the rules
again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdsMultipleChoiceField
from members.selectors import committee_members

from .models import ServiceTeam


class TeamForm(forms.ModelForm):
    """Name, kind, leader and members, chosen among the committee's members (by name; a plain
    multiple select is enough for a committee's few hundred)."""

    members = IdsMultipleChoiceField(
        label=_("members"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or ⌘) to choose several. The leader is added as a member."),
    )

    class Meta:
        model = ServiceTeam
        fields = ["name", "kind", "leader", "members", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        choices = committee_members(committee).only("pk", "name")
        self.fields["members"].queryset = choices
        self.fields["leader"].queryset = choices
        self.fields["leader"].required = False
