"""Writes of notices: sending one (with its files and the recipients' snapshot), signing it off
(签收), replying (信息报送), returning a reply with a reason, and reopening a notice past its due
date. Each refuses with a ValidationError and writes nothing; each notification is keyed, so
nothing is sent twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from committees.models import Committee
from core import uploads
from core.db import lock_row
from core.notify import notify
from core.scope import role_holders

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


def _check_files(files: Sequence, field: str) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError({field: _("At most %(n)s files at a time.") % {"n": MAX_FILES}})
    for upload in files:
        uploads.check_upload(upload, field=field)


def _holder_users(recipients: Iterable[NoticeRecipient]) -> dict[int, set[int]]:
    """For each recipient row, the users who answer for it (two queries at most)."""
    recipients = list(recipients)
    by_committee = role_holders("committee", {r.committee_id for r in recipients
                                              if r.committee_id})
    by_branch = role_holders("branch", {r.branch_id for r in recipients if r.branch_id})
    return {
        r.pk: (by_committee.get(r.committee_id, set()) if r.committee_id
               else by_branch.get(r.branch_id, set()))
        for r in recipients
    }


def notify_holders(items) -> int:
    """Notify the users answering for each recipient row of ``items`` (recipient, key, text,
    url), each once per key; returns how many notifications are new. Three queries, then one
    per notification."""
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
    own and its member organisations, top level)."""
    if sender_committee is None:
        return Committee.objects.filter(district=district).order_by("name", "pk")
    return Branch.objects.of_committee(sender_committee).order_by("name", "pk")


@transaction.atomic
def notice_send(*, user, district, sender_committee=None, title: str, text: str, due_on,
                reply_required: bool, recipients: Iterable, files: Sequence = ()) -> Notice:
    """Send a notice to ``recipients`` (Committees of ``district`` when the district sends it,
    Branches of ``sender_committee`` when a committee does), due on ``due_on`` (today or
    later), with its files; each recipient's side is notified."""
    today = timezone.localdate()
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the notice a title.")
    if not (text or "").strip():
        errors["text"] = _("Write what the notice says.")
    if due_on is None or due_on < today:
        errors["due_on"] = _("The due date cannot be in the past.")
    allowed = set(recipient_choices(district=district, sender_committee=sender_committee)
                  .values_list("pk", flat=True))
    recipients = list(recipients)
    kind = Committee if sender_committee is None else Branch
    chosen = {r.pk for r in recipients}
    if not chosen:
        errors["recipients"] = _("Choose at least one recipient.")
    elif not all(isinstance(r, kind) for r in recipients) or not chosen <= allowed:
        errors["recipients"] = _("Some recipients are not yours to address.")
    if errors:
        raise ValidationError(errors)
    _check_files(files, "files")
    notice = Notice(district=district, sender_committee=sender_committee, title=title.strip(),
                    text=text.strip(), due_on=due_on, reply_required=reply_required,
                    sent_by=user)
    notice.full_clean()
    notice.save()
    field = "committee_id" if sender_committee is None else "branch_id"
    rows = NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, **{field: pk}) for pk in sorted(chosen)])
    for upload in files:
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
    _check_files(files, "files")
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
    for upload in files:
        uploads.store_upload(ReplyFile(reply=reply), upload, user=user)
    return reply


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
