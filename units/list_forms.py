"""Forms of the three lists and of matching. The services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.pickers import use_picker

from .models import Need, NeedStatus, Project, Resource, ResourceStatus


def _limit_status(form, *allowed):
    """Let the form set only the statuses a person decides (e.g. withdraw); the others are
    set by matching and by finishing a project, and then the field is not shown."""
    if form.instance.pk is None or form.instance.status not in allowed:
        del form.fields["status"]
    else:
        labels = dict(form.fields["status"].choices)
        form.fields["status"].choices = [(value, labels[value]) for value in allowed]


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "description", "kind", "urgency", "branch", "raised_on", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "raised_on": DateInput(),
        }

    def __init__(self, *args, branches, branch_required, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "branch", "branches", queryset=branches,
                   url_query=f"committee={self.instance.committee_id}")
        branch = self.fields["branch"]
        branch.required = branch_required
        branch.help_text = (
            _("The branch that raises the need.") if branch_required
            else _("Leave empty when the committee itself raises the need.")
        )
        _limit_status(self, NeedStatus.OPEN, NeedStatus.WITHDRAWN)


class ResourceForm(forms.ModelForm):
    """A new resource: the unit is chosen among those that may offer one (see the view)."""

    class Meta:
        model = Resource
        fields = ["unit", "kind", "description", "quantity", "amount", "available"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].help_text = _(
            "Units with a co-building agreement in force with the committee."
        )
        use_picker(self, "unit", "units", queryset=units)


class ResourceEditForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "description", "quantity", "amount", "available", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_status(self, ResourceStatus.OFFERED, ResourceStatus.WITHDRAWN)
        if self.instance.status not in (ResourceStatus.OFFERED, ResourceStatus.WITHDRAWN):
            # Committed or used: the project and the ledger count it as it was.
            for name in ("kind", "amount"):
                self.fields[name].disabled = True


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "owner", "plan", "status", "started_on", "finished_on"]
        widgets = {
            "plan": forms.Textarea(attrs={"rows": 6}),
            "started_on": DateInput(),
            "finished_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finished_on"].help_text = _("Needed once the project is done.")


class MatchForm(forms.Form):
    """Matching one need: the resources chosen (checkboxes drawn by the need's page from the
    suggestions), the project's title and who answers for it."""

    resources = forms.ModelMultipleChoiceField(
        label=_("resources"), queryset=Resource.objects.none(),
        error_messages={"required": _("Choose at least one resource.")},
    )
    title = forms.CharField(label=_("project title"), max_length=100)
    owner = forms.CharField(
        label=_("owner"), max_length=50, help_text=_("Who answers for the project.")
    )

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        # Any resource of the committee is accepted here, so that one taken in the meantime
        # gets the service's message ("no longer on offer") rather than "not a valid choice".
        self.fields["resources"].queryset = Resource.objects.filter(
            committee_id=need.committee_id
        )
        self.fields["title"].initial = need.title
