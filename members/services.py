"""Writes for members: registration and edits by a secretary, and logged views of ID numbers."""

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.audit import record_password_link, record_reveal
from core.models import RoleAssignment
from core.scope import can_see_full_id_number

from .models import Member
from .names import name_pinyin, validate_name
from .validators import (
    id_number_birth_date,
    id_number_gender,
    validate_id_number,
    validate_mobile,
)

log = logging.getLogger(__name__)


def derive_member_fields(member: Member) -> None:
    """Validate and normalise what was typed, and derive what follows from it (shared by the
    form, sign-ups and the roster import).

    Raises one ValidationError naming every bad field, so the form shows them all at once.
    """
    errors = {}
    try:
        member.name = validate_name(member.name)
    except ValidationError as exc:
        errors["name"] = exc.messages
    member.name_pinyin, member.name_initials = name_pinyin(member.name)
    if member.id_number:
        try:
            member.id_number = validate_id_number(member.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            member.birth_date = id_number_birth_date(member.id_number)
            member.gender = id_number_gender(member.id_number)
    else:
        member.id_number = None
    if member.mobile:
        try:
            member.mobile = validate_mobile(member.mobile)
        except ValidationError as exc:
            errors["mobile"] = exc.messages
    member.mobile_tail = member.mobile[-4:] if not errors.get("mobile") else ""
    if member.branch_id:
        member.outside_organisation = ""
    if member.employer_unit_id:
        member.employer_name = ""
    if errors:
        raise ValidationError(errors)


def _refuse_duplicate(member: Member, user) -> None:
    if not member.id_number:
        return
    other = (
        Member.objects.filter(id_number=member.id_number)
        .exclude(pk=member.pk)
        .select_related("committee")
        .first()
    )
    if other is None:
        return
    if Member.objects.for_user(user).filter(pk=other.pk).exists():
        message = _(
            "This person is already on the roster of %(committee)s (%(name)s). "
            "A member is registered once in the district: transfer them instead."
        ) % {"committee": other.committee.name, "name": other.name}
    else:
        message = _(
            "This person is already on a roster in the district. A member is registered "
            "once: ask the district's organisation department to transfer them."
        )
    raise ValidationError({"id_number": message})


def _check_membership(member: Member) -> None:
    """组织关系 sits with a branch, never a party group; a party group is one of the branch's."""
    if member.branch_id and member.branch.parent_id is not None:
        raise ValidationError({"branch": _(
            "A party group holds no membership: choose its branch, and the group below."
        )})
    if member.party_group_id and (
        member.branch_id is None or member.party_group.parent_id != member.branch_id
    ):
        raise ValidationError({"party_group": _(
            "Choose a party group of the member's own branch."
        )})


def member_save(*, member: Member, user) -> Member:
    """Register or update a member. Bad or duplicate data raises ValidationError, writes nothing."""
    derive_member_fields(member)
    _refuse_duplicate(member, user)
    _check_membership(member)
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Two secretaries registering the same person at the same moment.
        _refuse_duplicate(member, user)
        raise
    return member


def member_id_number_reveal(*, member: Member, user) -> str:
    """The full ID number, for those entitled; every call is written to the audit log (an
    ACCESS entry naming ``user``, as auditlog's ``accessed`` signal writes it, with the actor
    given rather than taken from the request: ``core.audit``'s "full ID number shown")."""
    if not can_see_full_id_number(user, member):
        raise PermissionDenied
    record_reveal(user=user, obj=member)
    return member.id_number or ""


def password_reset_link(*, member: Member, user) -> str:
    """The path of a link for ``member`` to set a new password (Django's reset link: it works
    once, for ``PASSWORD_RESET_TIMEOUT``), made by a secretary who may edit the member (the
    caller checks) for a member without an email address; written to the audit log. Only a
    plain member's account: one that holds a role (officer, secretary, liaison) or staff rights
    is reset by the district, not by a committee."""
    account = member.user
    if account is None:
        raise ValidationError(_("%(name)s has no account yet.") % {"name": member.name})
    if (account.is_staff or account.is_superuser
            or RoleAssignment.objects.filter(user=account).exists()):
        raise ValidationError(_("This account holds a role in the portal: the district's "
                                "administrator resets its password."))
    token = default_token_generator.make_token(account)
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    record_password_link(user=user, obj=member)
    log.info("password reset link for member %s made by user %s", member.pk, user.pk)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
