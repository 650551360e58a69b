from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from committees.models import Committee
from core.dates import FIRST_YEAR, LAST_YEAR
from core.forms import DateInput
from core.pickers import use_picker

from .models import (
    Commitment,
    CommitmentMeasure,
    CommitmentNote,
    CommitmentOutcome,
    Rating,
)


class TransferForm(forms.Form):
    """Where the membership goes, when and why; the service checks the rest. Only branches
    (党支部) are offered: never a party group (moving between groups of a branch is an edit of
    the member) and never an in-service group (not a branch)."""

    to_branch = forms.ModelChoiceField(label=_("to branch"), queryset=Branch.objects.none())
    transferred_on = forms.DateField(label=_("date"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self, "to_branch", "branches", queryset=(
            Branch.objects.for_user(user)
            .filter(committee__district=member.committee.district_id, parent__isnull=True)
            .exclude(pk=member.branch_id)
        ))
        self.fields["transferred_on"].initial = timezone.localdate


class CommitmentForm(forms.ModelForm):
    """A commitment: what, of which kind, how it will be seen (and how many), posted or not.

    ``committees``: the committees it may be made to (where the member lives, where they hold
    a seat); with one, it is not asked."""

    year = forms.IntegerField(
        label=_("year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )

    class Meta:
        model = Commitment
        fields = ["committee", "year", "text", "category", "measure", "target", "public"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        committees = list(committees)
        if self.instance.pk is not None or len(committees) <= 1:
            del self.fields["committee"]
        else:
            self.fields["committee"].queryset = Committee.objects.filter(
                pk__in=[c.pk for c in committees]
            )
            self.fields["committee"].empty_label = None
        if self.instance.pk is None:
            self.fields["year"].initial = timezone.localdate().year
            if committees and self.instance.committee_id is None:
                self.instance.committee = committees[0]

    def clean(self):
        cleaned = super().clean()
        measure, target = cleaned.get("measure"), cleaned.get("target")
        if measure in (CommitmentMeasure.ACTIVITIES, CommitmentMeasure.HOURS) and not target:
            self.add_error("target", _("Say how many activities or hours you commit to."))
        if measure == CommitmentMeasure.MATTER:
            cleaned["target"] = None
            self.instance.target = None
        return cleaned


class CommitmentNoteForm(forms.ModelForm):
    class Meta:
        model = CommitmentNote
        fields = ["written_on", "text"]
        widgets = {"written_on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["written_on"].initial = timezone.localdate


class CommitmentReviewForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["outcome", "review_remark"]
        widgets = {"outcome": forms.RadioSelect, "review_remark": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = CommitmentOutcome.choices


class AppraisalForm(forms.Form):
    """One select per member (``members``, with their ``rating`` of the year), named
    ``rating-<member pk>``; empty removes the year's rating. A party group's member is labelled
    with the group (the branch appraises; the group only says where they sit)."""

    def __init__(self, *args, members, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        choices = [("", "—"), *Rating.choices]
        for member in self.members:
            label = member.name
            if member.party_group_id:
                label = f"{member.name} ({member.party_group.name})"
            self.fields[f"rating-{member.pk}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=member.rating or "",
            )

    def changes(self):
        """``(member, rating)`` for each rating changed on the form."""
        return [
            (member, self.cleaned_data[f"rating-{member.pk}"])
            for member in self.members
            if self.cleaned_data[f"rating-{member.pk}"] != (member.rating or "")
        ]
