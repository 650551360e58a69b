"""Forms of meetings: planning one, attendance, an agenda item, the minutes, an addendum, an
attachment, and the list's filters. The services check the rules again, under lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from committees.models import Venue
from core.dates import year_range_error
from core.forms import DateTimeInput, MonthField
from core.pickers import use_picker
from core.uploads import ACCEPT
from units.models import Unit

from . import services
from .models import (
    AgendaItem,
    Meeting,
    MeetingAttendanceStatus,
    MeetingKind,
    MeetingStatus,
)

# Attendance a person records on the form ("expected" is where every row starts).
RECORDED = [
    (value, label) for value, label in MeetingAttendanceStatus.choices
    if value != MeetingAttendanceStatus.EXPECTED
]


class MeetingForm(forms.ModelForm):
    """Plan or change a meeting of ``committee`` (``branch``: of that branch or party group)."""

    class Meta:
        model = Meeting
        fields = [
            "kind", "title", "starts_at", "venue", "place", "chair", "recorder", "units",
            "invitees",
        ]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, committee, branch=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(MeetingKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in services.kinds_for(branch)]
        self.fields["title"].help_text = _("Leave empty to use the kind of meeting.")
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["venue"].queryset = Venue.objects.filter(committee=committee)
        if branch is None:
            self.fields["units"].help_text = _("For a joint party-building meeting only.")
            use_picker(self, "units", "units", multiple=True,
                       queryset=Unit.objects.filter(district_id=committee.district_id))
        else:
            del self.fields["units"]

    def clean_starts_at(self):
        value = self.cleaned_data.get("starts_at")
        if error := year_range_error(value):
            raise forms.ValidationError(error)
        return value

    def units_chosen(self):
        """The units for the service: ``None`` (leave them) on a branch's form."""
        if "units" not in self.fields:
            return None
        return self.cleaned_data["units"]


class MeetingAttendanceForm(forms.Form):
    """One status select and one reason per expected attendee (``rows``, loaded)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            self.fields[f"status_{row.pk}"] = forms.ChoiceField(
                label=row.name, choices=[("", "—"), *RECORDED], required=False,
                initial="" if row.status == MeetingAttendanceStatus.EXPECTED else row.status,
            )
            self.fields[f"reason_{row.pk}"] = forms.CharField(
                label=_("reason"), max_length=200, required=False, initial=row.reason,
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            if (cleaned.get(f"status_{row.pk}") == MeetingAttendanceStatus.LEAVE
                    and not (cleaned.get(f"reason_{row.pk}") or "").strip()):
                self.add_error(f"reason_{row.pk}", _("Say why the member is absent."))
        return cleaned

    def lines(self):
        """(row, status field, reason field) for the template."""
        return [(row, self[f"status_{row.pk}"], self[f"reason_{row.pk}"]) for row in self.rows]

    def changes(self):
        """``(pk, status, reason)`` for ``services.record_attendance``: rows left on "—" keep
        what they have."""
        out = []
        for row in self.rows:
            status = self.cleaned_data.get(f"status_{row.pk}") or row.status
            out.append((row.pk, status, self.cleaned_data.get(f"reason_{row.pk}", "")))
        return out


class AgendaForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "matter", "discussion", "decision"]
        widgets = {
            "discussion": forms.Textarea(attrs={"rows": 4}),
            "decision": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = services.agenda_matters(
            meeting, self.instance.matter_id if self.instance.pk else None
        )
        self.fields["matter"].help_text = _(
            "When the item deliberates a matter (一事一议), choose it: it is marked deliberated "
            "when the meeting is held."
        )
        if self.instance.pk is None:
            self.fields["position"].initial = services.next_position(meeting)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 12}),
    )
    decisions = forms.CharField(
        label=_("decisions"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("addendum"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The signed-off minutes stay as they are; the addendum follows them."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("PDF, DOCX, XLSX, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class MeetingFilterForm(forms.Form):
    """The list's filters; ``holder`` is "committee" (its own meetings) or a branch's id."""

    holder = forms.ChoiceField(label=_("Held by"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", _("All kinds")), *MeetingKind.choices],
    )
    month = MonthField(label=_("Month"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *MeetingStatus.choices],
    )

    def __init__(self, *args, committee, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [
            ("", _("Committee and branches")),
            ("committee", committee.name),
            *[(str(b.pk), b.name) for b in branches],
        ]


def holder_branches(committee):
    """The committee's branches and party groups (one query), by name."""
    return Branch.objects.filter(committee=committee).order_by("name", "pk").only("pk", "name")


class JointBranchesForm(forms.Form):
    """The branches invited to a joint party lecture or organisational life."""

    branches = forms.ModelMultipleChoiceField(
        label=_("Invited branches"), queryset=Branch.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their members are expected at the meeting; each branch's secretary may "
                    "then count it as the branch's own party lecture or organisational life."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = queryset
