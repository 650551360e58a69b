from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, check_term
from core.pickers import use_picker
from core.scope import can_write
from units.models import Unit

from .models import Branch, CommitteeMembership
from .selectors import joinable_organisations


class BranchForm(forms.ModelForm):
    """A branch, or a party group when a parent is chosen (it then takes the parent's kind).

    A party group has a leader (组长, the ``secretary`` field under its own label) and no
    term; a unit's party organisation is registered once for the district (the unit may then
    join other committees as a member organisation, ``MembershipForm``)."""

    class Meta:
        model = Branch
        fields = [
            "kind", "name", "parent", "secretary", "unit", "founded", "term_start", "term_end",
        ]
        widgets = {
            "founded": DateInput(), "term_start": DateInput(), "term_end": DateInput(),
        }

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Branch.objects.for_user(user, write=True).filter(
            committee=committee, parent__isnull=True
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("kind", "name")
        self.fields["parent"].empty_label = _("None: this is a branch, not a party group")
        self.fields["parent"].help_text = _("Choose a branch to make this a party group under it.")
        self.fields["kind"].required = False
        self.fields["kind"].help_text = _("A party group takes its parent branch's kind.")
        member = apps.get_model("members.Member")  # above branches: named, not imported
        use_picker(self, "secretary", "members", url_args=[committee.pk],
                   queryset=member.objects.for_user(user).filter(committee=committee))
        self.fields["unit"].help_text = _("For a resident unit's party organisation.")
        use_picker(self, "unit", "units", queryset=Unit.objects.for_user(user))
        if not can_write(user, committee):
            # A branch secretary works inside their branch: they neither create nor re-kind
            # top-level branches, so a party group of theirs stays under one of their branches
            # and their own branch stays where it is.
            self.fields["kind"].disabled = True
            if self.instance.parent_id:
                self.fields["parent"].required = True
                self.fields["parent"].empty_label = None
            else:
                del self.fields["parent"]
        elif self.instance.pk and (
            self.instance.groups.exists() or self.instance.members.exists()
        ):
            # A branch with party groups or members cannot itself become a group: membership
            # (组织关系) sits with a branch, never with a group.
            del self.fields["parent"]
        if self.instance.parent_id:
            # A party group: a leader, no term, no unit of its own.
            self.fields["secretary"].label = _("group leader")
            for name in ("term_start", "term_end", "unit", "founded"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        parent = data.get("parent", self.instance.parent)
        if parent is not None:
            # Chosen as a group now: it has a leader, not a term.
            data["term_start"] = data["term_end"] = None
            data["unit"] = None
        if parent is None and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of organisation."))
        if parent is not None:
            data["kind"] = parent.kind
        if data.get("unit") and (parent.kind if parent else data.get("kind")) != "unit":
            self.add_error(
                "unit", _("Only a resident unit's party organisation is linked to a unit.")
            )
        if "term_start" in self.fields:
            check_term(self)
        return data


class MembershipForm(forms.ModelForm):
    """A resident unit's party organisation joins the committee as a member organisation."""

    class Meta:
        model = CommitteeMembership
        fields = ["branch", "joined_on"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].help_text = _(
            "The unit's party organisation, registered once for the district. A unit whose "
            "organisation is not registered yet: register it with New branch."
        )
        use_picker(self, "branch", "branches", queryset=joinable_organisations(committee),
                   url_query=f"committee={committee.pk}&joinable=1")


class MembershipEndForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=DateInput())
