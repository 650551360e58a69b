"""Forms of notices: sending one, replying, returning a reply, reopening. The services check
the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, IdsMultipleChoiceField
from core.uploads import ACCEPT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in items) if f]


FILES_HELP = _("PDF, DOCX, XLSX, JPEG or PNG, at most 10 MB each, up to 10 files.")


class NoticeForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("notice", "title"), max_length=200)
    text = forms.CharField(label=_("text"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 8}))
    recipients = forms.ModelMultipleChoiceField(
        label=_("Send to"), queryset=None, widget=forms.CheckboxSelectMultiple,
    )
    # A committee's notice only: the resident units it works with, through their liaisons.
    units = IdsMultipleChoiceField(
        label=_("Resident units (to their liaisons)"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The units whose party organisation is a member organisation of the "
                    "committee or that have a co-building agreement in force with it."),
    )
    due_on = forms.DateField(label=_("due date"), widget=DateInput())
    reply_required = forms.BooleanField(
        label=_("A reply is required"), required=False,
        help_text=_("Recipients report back with text and files (信息报送)."),
    )
    files = MultipleFileField(label=_("attachments"), help_text=FILES_HELP)

    def __init__(self, *args, choices, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = choices
        # every committee (or branch) ticked to begin with: untick those left out
        self.fields["recipients"].initial = [c.pk for c in choices]
        if unit_choices is None:  # the district's notice goes to committees only
            del self.fields["units"]
        else:
            # Units are partners, not the committee's own organisations: none ticked to begin
            # with. With them a committee may send to units only.
            self.fields["units"].queryset = unit_choices
            self.fields["recipients"].required = False

    def chosen(self) -> list:
        """The recipients ticked: committees, or branches and units."""
        return [*self.cleaned_data["recipients"], *self.cleaned_data.get("units", ())]


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("reply"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("attachments"), help_text=FILES_HELP)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for returning"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("reopened until"), widget=DateInput())
