"""The public sign-up page and the secretary's approve / return actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from core.pages import decision, form_page
from core.scope import get_for_user, signup_targets

from . import signups
from .models import Category, SignUp, SignUpStatus
from .names import validate_name
from .validators import validate_id_number, validate_mobile


class SignUpForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=50)
    id_number = forms.CharField(
        label=gettext_lazy("ID number"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=gettext_lazy("Mobile"), max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("You sign in with it."),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    committee = forms.ModelChoiceField(
        label=gettext_lazy("The community where you live"), queryset=None,
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    organisation = forms.CharField(
        label=gettext_lazy("Membership held by"), max_length=100,
        help_text=gettext_lazy("The party branch or organisation that holds your membership."),
    )

    def __init__(self, *args, resubmit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = signup_targets().order_by("name")
        if resubmit:
            for name in ("mobile", "password1", "password2"):
                del self.fields[name]

    def clean_name(self):
        return validate_name(self.cleaned_data["name"])

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self):
        return validate_mobile(self.cleaned_data["mobile"])

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


@require_http_methods(["GET", "POST"])
def signup(request):
    existing = getattr(request.user, "signup", None) if request.user.is_authenticated else None
    if request.user.is_authenticated and (
        existing is None or existing.status != SignUpStatus.RETURNED
    ):
        return redirect("overview:home")
    resubmit = existing is not None
    initial = None
    if resubmit:
        initial = {"name": existing.name, "committee": existing.committee_id,
                   "category": existing.category, "organisation": existing.organisation}
    form = SignUpForm(request.POST or None, initial=initial, resubmit=resubmit)

    def save(form):
        data = form.cleaned_data
        fields = {k: data[k] for k in ("name", "id_number", "committee", "category",
                                       "organisation")}
        if resubmit:
            return signups.signup_resubmit(signup=existing, **fields)
        created = signups.signup_create(**fields, mobile=data["mobile"],
                                        password=data["password1"])
        login(request, created.user, backend="django.contrib.auth.backends.ModelBackend")
        return created

    return form_page(
        request, form, save=save,
        title=pgettext("self-registration", "Sign up"), cancel_url=reverse("login"),
        success_message=_("Sign-up sent. The community's secretary will approve it. Sign in "
                          "with your mobile number from now on."),
        next_url=reverse("members:me"),
        template="members/signup.html", context={"resubmit": resubmit},
    )


def _decide(request, pk, decide):
    signup = get_for_user(
        request.user, SignUp, write=True, pk=pk, queryset=SignUp.objects.select_related("user")
    )
    return decision(
        request, lambda: decide(signup),
        next_url=reverse("members:checkin-queue", args=[signup.committee_id]),
    )


@login_required
@require_POST
def signup_approve(request, pk):
    def decide(signup):
        signups.signup_approve(signup=signup, user=request.user)
        messages.success(request, _("%(name)s is registered.") % {"name": signup.name})

    return _decide(request, pk, decide)


@login_required
@require_POST
def signup_return(request, pk):
    def decide(signup):
        signups.signup_return(signup=signup, user=request.user,
                              reason=request.POST.get("reason", ""))
        messages.success(
            request, _("The sign-up of %(name)s was returned.") % {"name": signup.name}
        )

    return _decide(request, pk, decide)
