"""Forms of an activity and of its outcome. The services check the rules again, under lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from committees.models import Venue
from core.dates import year_range_error
from core.forms import DateTimeInput
from core.pickers import use_picker
from units.models import Project, Unit

from . import photos
from .models import Activity, ActivityStatus, ServiceTeam

# Statuses a person sets on the form; "held" and "cancelled" have their own pages.
FORM_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.OPEN)


def capacity_error(signed_up: int) -> str:
    return _("%(n)s members have already signed up; places cannot be fewer.") % {"n": signed_up}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title", "line", "category", "project", "venue", "place", "starts_at", "ends_at",
            "capacity", "status", "branches", "units", "teams", "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        narrowed = f"committee={committee.pk}"
        use_picker(self, "branches", "branches", multiple=True, url_query=narrowed,
                   queryset=Branch.objects.of_committee(committee))
        use_picker(self, "units", "units", multiple=True,
                   queryset=Unit.objects.filter(district_id=committee.district_id))
        use_picker(self, "teams", "teams", multiple=True, url_query=narrowed,
                   queryset=ServiceTeam.objects.filter(committee=committee))
        self.fields["venue"].queryset = Venue.objects.filter(committee=committee)
        self.fields["project"].queryset = Project.objects.filter(committee=committee)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        status = self.fields["status"]
        if self.instance.pk is not None and self.instance.status not in FORM_STATUSES:
            # Held or cancelled: it stays so (the outcome page and cancelling set these).
            del self.fields["status"]
        else:
            labels = dict(status.choices)
            status.choices = [(value, labels[value]) for value in FORM_STATUSES]
            status.help_text = _("Members can sign up only while it is open for sign-up.")

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        signed_up = self.instance.signed_up
        if capacity is not None and capacity < signed_up:
            raise forms.ValidationError(capacity_error(signed_up))
        return capacity

    def _in_range(self, name):
        value = self.cleaned_data.get(name)
        if error := year_range_error(value):
            raise forms.ValidationError(error)
        return value

    def clean_starts_at(self):
        return self._in_range("starts_at")

    def clean_ends_at(self):
        return self._in_range("ends_at")

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's "Uploading multiple files" pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(d, initial) for d in data if d]
        return [single_file_clean(data, initial)] if data else []


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was done, who took part, what it achieved."),
    )
    photos = MultipleFileField(
        label=_("photos"), required=False,
        help_text=_("Up to 6 photos at a time: JPEG, PNG, WebP or GIF, at most 8 MB each."),
    )
    caption = forms.CharField(
        label=_("caption"), max_length=100, required=False,
        help_text=_("Shown under the photos added now."),
    )

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        if len(uploads) > photos.MAX_PER_SUBMIT:
            raise forms.ValidationError(
                _("Choose at most %(n)s photos at a time.") % {"n": photos.MAX_PER_SUBMIT}
            )
        return uploads
