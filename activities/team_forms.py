"""The form of a volunteer team. The service (``activities.teams.team_save``) checks the rules
again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdsMultipleChoiceField
from core.pickers import use_picker
from members.selectors import committee_members

from .models import ServiceTeam


class TeamForm(forms.ModelForm):
    """Name, kind, leader and members, chosen among the committee's members with search
    pickers (core/pickers.py)."""

    members = IdsMultipleChoiceField(
        label=_("members"), queryset=None, required=False,
        help_text=_("Type to find each member. The leader is added as a member."),
    )

    class Meta:
        model = ServiceTeam
        fields = ["name", "kind", "leader", "members", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        choices = committee_members(committee)
        use_picker(self, "members", "members", queryset=choices, url_args=[committee.pk],
                   multiple=True)
        self.fields["leader"].required = False
        use_picker(self, "leader", "members", queryset=choices, url_args=[committee.pk])
