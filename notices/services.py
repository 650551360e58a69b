"""Writes of notices: sending one (with its files and the recipients' snapshot), signing it off
(签收), replying (信息报送; the sender hears of each reply), returning a reply with a reason,
and reopening a notice past its due date. Each refuses with a ValidationError and writes
nothing; each notification is keyed, so nothing is sent twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch, CommitteeMembership
from committees.models import Committee
from core import uploads
from core.db import lock_row
from core.notify import notify
from core.scope import can_write, role_holders
from units.models import Agreement, Unit

from .models import (
    Notice,
    NoticeAttachment,
    NoticeRecipient,
    NoticeReply,
    RecipientState,
    ReplyFile,
)

MAX_FILES = 10
State = RecipientState


def _check_files(files: Sequence, field: str) -> list[uploads.CheckedFile]:
    """Every file proven by parsing (``core.uploads.check_upload``) before any is written."""
    if len(files) > MAX_FILES:
        raise ValidationError({field: _("At most %(n)s files at a time.") % {"n": MAX_FILES}})
    return [uploads.check_upload(upload, field=field) for upload in files]


# Who holds a receipt: its one non-empty field, and the role reach answering for it there
# (a committee's secretaries and staff, a branch's secretary, a unit's liaisons).
HOLDERS = ("committee", "branch", "unit")


def _holder_of(recipient: NoticeRecipient) -> tuple[str, int]:
    return next((reach, getattr(recipient, f"{reach}_id")) for reach in HOLDERS
                if getattr(recipient, f"{reach}_id") is not None)


def _holder_users(recipients: Iterable[NoticeRecipient]) -> dict[int, set[int]]:
    """For each recipient row, the users who answer for it (a query per kind of holder among
    the rows: three at most)."""
    held = {r.pk: _holder_of(r) for r in recipients}
    wanted: dict[str, set[int]] = {}
    for reach, holder_id in held.values():
        wanted.setdefault(reach, set()).add(holder_id)
    users = {reach: role_holders(reach, ids) for reach, ids in wanted.items()}
    return {pk: users[reach].get(holder_id, set()) for pk, (reach, holder_id) in held.items()}


def notify_holders(items) -> int:
    """Notify the users answering for each recipient row of ``items`` (recipient, key, text,
    url), each once per key; returns how many notifications are new. A query per kind of
    holder and one for the users, then one per notification."""
    from django.contrib.auth import get_user_model

    items = list(items)
    holders = _holder_users(item[0] for item in items)
    users = get_user_model().objects.filter(is_active=True).in_bulk(
        {uid for ids in holders.values() for uid in ids})
    made = 0
    for recipient, key, text, url in items:
        for user_id in sorted(holders[recipient.pk]):
            if user_id in users:
                made += notify(user=users[user_id], key=key, text=text, url=url)[1]
    return made


# --- sending ---------------------------------------------------------------------------------

def recipient_choices(*, district, sender_committee=None):
    """Whom a sender may address: the district's committees, or a committee's branches (its
    own and its member organisations, top level); a committee's units: ``unit_choices``."""
    if sender_committee is None:
        return Committee.objects.filter(district=district).order_by("name", "pk")
    return Branch.objects.of_committee(sender_committee).order_by("name", "pk")


def unit_choices(*, sender_committee):
    """The resident units (驻区单位) a committee's notice may reach, through their liaisons:
    the units it works with, i.e. whose party organisation is a member organisation of the
    committee today or that have a co-building agreement in force with it; each once, by
    name."""
    members = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=sender_committee, branch__unit__isnull=False,
    ).values("branch__unit_id")
    partners = Agreement.objects.filter(Agreement.in_force_q(), committee=sender_committee
                                        ).values("unit_id")
    return Unit.objects.filter(
        Q(pk__in=members) | Q(pk__in=partners), district_id=sender_committee.district_id,
    ).order_by("name", "pk")


def _addressable(*, district, sender_committee) -> set[tuple[type, int]]:
    """What the sender may address, as (model, pk): the district's committees, or a
    committee's branches and the units it works with (two queries)."""
    if sender_committee is None:
        pks = recipient_choices(district=district).values_list("pk", flat=True)
        return {(Committee, pk) for pk in pks}
    branches = recipient_choices(district=district, sender_committee=sender_committee)
    units = unit_choices(sender_committee=sender_committee)
    return ({(Branch, pk) for pk in branches.values_list("pk", flat=True)}
            | {(Unit, pk) for pk in units.values_list("pk", flat=True)})


# The receipt's field for each kind of recipient, in the order the rows are made.
RECIPIENT_FIELDS = {Committee: "committee_id", Branch: "branch_id", Unit: "unit_id"}


@transaction.atomic
def notice_send(*, user, district, sender_committee=None, title: str, text: str, due_on,
                reply_required: bool, recipients: Iterable, files: Sequence = ()) -> Notice:
    """Send a notice to ``recipients`` (Committees of ``district`` when the district sends it;
    Branches and Units it works with when ``sender_committee`` does), due on ``due_on`` (today
    or later), with its files; each recipient's side is notified."""
    today = timezone.localdate()
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the notice a title.")
    if not (text or "").strip():
        errors["text"] = _("Write what the notice says.")
    if due_on is None or due_on < today:
        errors["due_on"] = _("The due date cannot be in the past.")
    chosen = {(type(r), r.pk) for r in recipients}
    if not chosen:
        errors["recipients"] = _("Choose at least one recipient.")
    elif not chosen <= _addressable(district=district, sender_committee=sender_committee):
        errors["recipients"] = _("Some recipients are not yours to address.")
    if errors:
        raise ValidationError(errors)
    checked = _check_files(files, "files")
    notice = Notice(district=district, sender_committee=sender_committee, title=title.strip(),
                    text=text.strip(), due_on=due_on, reply_required=reply_required,
                    sent_by=user)
    notice.full_clean()
    notice.save()
    order = list(RECIPIENT_FIELDS)
    rows = NoticeRecipient.objects.bulk_create([
        NoticeRecipient(notice=notice, **{RECIPIENT_FIELDS[kind]: pk})
        for kind, pk in sorted(chosen, key=lambda item: (order.index(item[0]), item[1]))
    ])
    for upload in checked:
        uploads.store_upload(NoticeAttachment(notice=notice), upload, user=user)
    sender = sender_committee.name if sender_committee else district.name
    text = _("New notice from %(sender)s: “%(title)s”, due %(due)s.") % {
        "sender": sender, "title": notice.title, "due": due_on.isoformat()}
    notify_holders((row, f"notice:{notice.pk}:sent:{row.pk}", text, notice.get_absolute_url())
                   for row in rows)
    return notice


# --- the recipient's side --------------------------------------------------------------------

def _refuse_if_closed(notice: Notice, today=None) -> None:
    today = today or timezone.localdate()
    if not notice.open_on(today):
        raise ValidationError(_("The notice was due on %(due)s and is closed; ask its sender "
                                "to reopen it.") % {"due": notice.due_on.isoformat()})


@transaction.atomic
def receipt_sign(*, recipient: NoticeRecipient, user) -> NoticeRecipient:
    """Sign the notice off (签收) for the recipient: once, timestamped, by whom."""
    locked = lock_row(recipient)
    if locked.state != State.PENDING:
        return locked  # signed already: nothing changes
    _refuse_if_closed(recipient.notice)
    locked.state, locked.signed_at, locked.signed_by = State.SIGNED, timezone.now(), user
    locked.save(update_fields=["state", "signed_at", "signed_by"])
    return locked


@transaction.atomic
def reply_submit(*, recipient: NoticeRecipient, user, text: str,
                 files: Sequence = ()) -> NoticeReply:
    """Reply to a notice that asks for one (signing it off if not yet): the first reply, or a
    new one after the sender returned the last."""
    notice = recipient.notice
    if not notice.reply_required:
        raise ValidationError(_("This notice does not ask for a reply."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the reply.")})
    checked = _check_files(files, "files")
    locked = lock_row(recipient)
    if locked.state == State.REPLIED:
        raise ValidationError(_("Your reply is with the sender; a new one can be sent once "
                                "they return it."))
    _refuse_if_closed(notice)
    now = timezone.now()
    if locked.state == State.PENDING:
        locked.signed_at, locked.signed_by = now, user
    locked.state = State.REPLIED
    locked.save(update_fields=["state", "signed_at", "signed_by"])
    reply = NoticeReply.objects.create(recipient=locked, text=text.strip(), submitted_at=now,
                                       submitted_by=user)
    for upload in checked:
        uploads.store_upload(ReplyFile(reply=reply), upload, user=user)
    _notify_sender(notice, locked, reply)
    return reply


def _notify_sender(notice: Notice, recipient: NoticeRecipient, reply: NoticeReply) -> None:
    """The user who sent the notice hears of each reply, once (the key names the reply),
    while they are active and still keep the notice (one of its sender's side)."""
    sender = notice.sent_by
    if sender is None or not sender.is_active or sender.pk == reply.submitted_by_id:
        return
    if not can_write(sender, notice):
        return
    text = _("%(holder)s replied to the notice “%(title)s”.") % {
        "holder": recipient.holder.name, "title": notice.title}
    notify(user=sender, key=f"notice-reply:{reply.pk}:submitted", text=text,
           url=notice.get_absolute_url())


# --- the sender's side -----------------------------------------------------------------------

@transaction.atomic
def reply_return(*, reply: NoticeReply, user, reason: str) -> NoticeReply:
    """Return the recipient's latest reply with a reason; they may reply again."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the reply goes back.")})
    recipient = lock_row(reply.recipient)
    latest = recipient.replies.order_by("-submitted_at", "-pk").first()
    if recipient.state != State.REPLIED or latest is None or latest.pk != reply.pk:
        raise ValidationError(_("Only the latest reply, not yet returned, can be returned."))
    reply.returned_at, reply.returned_by = timezone.now(), user
    reply.return_reason = reason.strip()
    reply.save(update_fields=["returned_at", "returned_by", "return_reason"])
    recipient.state = State.RETURNED
    recipient.save(update_fields=["state"])
    notice = recipient.notice
    text = _("Your reply to “%(title)s” was returned: %(reason)s") % {
        "title": notice.title, "reason": reply.return_reason}
    notify_holders([(recipient, f"notice-reply:{reply.pk}:returned", text,
                     notice.get_absolute_url())])
    return reply


@transaction.atomic
def notice_reopen(*, notice: Notice, user, until) -> Notice:
    """Let recipients sign and reply again until ``until`` (today or later, after the due
    date); lateness is still counted from the due date."""
    if until is None or until < timezone.localdate() or until <= notice.due_on:
        raise ValidationError({"until": _("Reopen until a day after the due date, today or "
                                          "later.")})
    locked = lock_row(notice)
    locked.reopened_until = until
    locked.save(update_fields=["reopened_until"])
    return locked
