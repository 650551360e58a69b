"""Self-registration (自助注册): a member signs up on their phone; the secretary approves it
(the Member is created and linked to the account) or returns it with a reason."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from . import bell
from .models import Member, SignUp, SignUpStatus
from .services import member_save


def _tell_committee_side(signup: SignUp, *, key: str, message) -> None:
    bell.tell_committee_side(
        signup.committee_id, key=key, message=message,
        params={"name": signup.name, "committee": signup.committee.name},
        url=reverse("members:checkin-queue", args=[signup.committee_id]),
    )


@transaction.atomic
def signup_create(*, name, id_number, mobile, password, committee, category, organisation):
    """Create the account (username: the mobile) and the pending sign-up.

    The caller validated the fields with the shared validators (``SignUpForm``)."""
    User = get_user_model()
    if User.objects.filter(username=mobile).exists():
        raise ValidationError(
            {"mobile": _("An account with this mobile already exists: sign in.")}
        )
    if Member.objects.filter(id_number=id_number).exists():
        raise ValidationError({"id_number": _(
            "You are already on a roster in the district. Ask your community's secretary for "
            "an account."
        )})
    user = User.objects.create_user(username=mobile, password=password, first_name=name)
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                user=user, committee=committee, name=name, id_number=id_number, mobile=mobile,
                category=category, organisation=organisation,
            )
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("A sign-up with this ID number is already waiting.")}
        ) from None
    _tell_committee_side(signup, key=f"signup:{signup.pk}:sent", message=pgettext_lazy(
        "self-registration", "%(name)s signed up to %(committee)s: approve or return it."))
    return signup


@transaction.atomic
def signup_resubmit(*, signup: SignUp, name, id_number, committee, category, organisation):
    """A returned sign-up, corrected and sent again."""
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignUpStatus.RETURNED:
        raise ValidationError(_("Only a returned sign-up can be sent again."))
    returned_at = signup.decided_at  # the return this answers: one notice per resubmission
    signup.name, signup.id_number, signup.committee = name, id_number, committee
    signup.category, signup.organisation = category, organisation
    signup.status, signup.return_reason = SignUpStatus.PENDING, ""
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("A sign-up with this ID number is already waiting.")}
        ) from None
    _tell_committee_side(
        signup, key=f"signup:{signup.pk}:sent-again:{bell.stamp(returned_at)}",
        message=pgettext_lazy("self-registration", "%(name)s corrected their sign-up to "
                              "%(committee)s and sent it again: approve or return it."),
    )
    return signup


@transaction.atomic
def signup_approve(*, signup: SignUp, user) -> Member:
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignUpStatus.PENDING:
        raise ValidationError(_("Only a sign-up waiting for approval can be approved."))
    member = Member(
        name=signup.name, id_number=signup.id_number, mobile=signup.mobile,
        committee=signup.committee, category=signup.category,
        outside_organisation=signup.organisation, user=signup.user,
    )
    member_save(member=member, user=user)
    signup.status = SignUpStatus.APPROVED
    signup.member = member
    signup.id_number = ""  # stored once: on the Member from now on
    signup.decided_at, signup.decided_by = timezone.now(), user
    signup.save(update_fields=["status", "member", "id_number", "decided_at", "decided_by"])
    bell.tell_user(
        signup.user, key=f"signup:{signup.pk}:approved",
        message=pgettext_lazy("self-registration", "%(committee)s approved your sign-up."),
        params={"committee": signup.committee.name}, url=reverse("members:me"),
    )
    return member


@transaction.atomic
def signup_return(*, signup: SignUp, user, reason: str) -> SignUp:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the sign-up is returned."))
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignUpStatus.PENDING:
        raise ValidationError(_("Only a sign-up waiting for approval can be returned."))
    signup.status = SignUpStatus.RETURNED
    signup.return_reason = reason[:200]
    signup.id_number = ""
    signup.decided_at, signup.decided_by = timezone.now(), user
    signup.save(update_fields=["status", "return_reason", "id_number", "decided_at", "decided_by"])
    bell.tell_user(
        signup.user, key=f"signup:{signup.pk}:returned:{bell.stamp(signup.decided_at)}",
        message=pgettext_lazy("self-registration", "%(committee)s returned your sign-up: "
                              "%(reason)s"),
        params={"committee": signup.committee.name, "reason": signup.return_reason},
        url=reverse("members:me"),
    )
    return signup
