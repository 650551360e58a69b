from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.forms import DateInput
from core.pickers import use_picker
from units.models import Unit

from .models import Member
from .names import validate_name
from .validators import validate_id_number, validate_mobile


class MemberForm(forms.ModelForm):
    """A secretary's registration and edit form. Validation of ID number, mobile and name is
    in the service (so imports and sign-ups share it); here only the shape of the choice."""

    # Wider than the stored value: people type spaces, hyphens, +86 and full-width digits,
    # which the service normalises before it validates.
    id_number = forms.CharField(
        label=_("ID number"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("mobile"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = Member
        fields = [
            "name", "id_number", "ethnicity", "mobile", "address",
            "joined_on", "full_member_on", "status", "category",
            "branch", "party_group", "outside_organisation", "employer_unit", "employer_name",
        ]
        widgets = {
            "joined_on": DateInput(),
            "full_member_on": DateInput(),
        }

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = True
        self.fields["id_number"].help_text = _(
            "18 characters; birth date and gender are taken from it."
        )
        if self.instance.pk is None:
            # Membership (组织关系) sits with a branch, never a party group.
            self.fields["branch"].help_text = _(
                "Leave empty when the membership is held outside the district, and name that "
                "organisation below."
            )
            use_picker(self, "branch", "branches", queryset=Branch.objects.for_user(user).filter(
                committee__district=committee.district_id, parent__isnull=True
            ))
            groups = Branch.objects.for_user(user).filter(
                committee__district=committee.district_id, parent__isnull=False
            )
        else:
            # A change of branch is a transfer (组织关系转接), with its history: not an edit.
            del self.fields["branch"]
            if self.instance.branch_id:
                del self.fields["outside_organisation"]
            groups = Branch.objects.filter(parent_id=self.instance.branch_id)
        self.fields["party_group"].queryset = (
            groups.select_related("parent").order_by("parent__name", "name")
        )
        self.fields["party_group"].label_from_instance = lambda g: f"{g.parent.name} · {g.name}"
        self.fields["party_group"].help_text = _(
            "Optional: the party group within the member's branch."
        )
        if self.instance.pk and not self.instance.branch_id:
            del self.fields["party_group"]
        use_picker(self, "employer_unit", "units", queryset=Unit.objects.for_user(user))
        self.fields["employer_name"].help_text = _("When the employer is not a resident unit.")

    # The service validates again (imports and sign-ups go through it too); validating here
    # first gives the model's length checks the normalised value.
    def clean_name(self):
        return validate_name(self.cleaned_data["name"])

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        return validate_mobile(mobile) if mobile else ""

    def validate_unique(self):
        # Uniqueness of the ID number is checked by the service after normalising it
        # (full-width digits, a lower-case x), with a message that says where the person is.
        pass

    def clean(self):
        data = super().clean()
        branch = data.get("branch") if "branch" in self.fields else self.instance.branch
        if "branch" in self.fields and not branch and not data.get("outside_organisation"):
            self.add_error(
                "outside_organisation",
                _("Choose a branch of the district, or name the organisation outside it."),
            )
        group = data.get("party_group")
        if group is not None and (branch is None or group.parent_id != branch.pk):
            self.add_error(
                "party_group", _("Choose a party group of the member's own branch.")
            )
        return data


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv, UTF-8 or GB18030) with the "
                    "template's column headers; at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        from .import_files import MAX_UPLOAD_BYTES

        upload = self.cleaned_data["file"]
        if upload.name.lower().endswith(".xls"):
            raise forms.ValidationError(
                _("Old .xls workbooks cannot be read: save the file as .xlsx.")
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
