"""Reads of notices: the sender's status table (who signed, who replied, who is late), the
inbox of a recipient's side, the sender's list, and the landing pages' card."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from core.scope import scope_of

from .models import Notice, NoticeRecipient, NoticeReply, RecipientState

State = RecipientState
OPEN_STATES = (State.PENDING, State.SIGNED, State.RETURNED)


def _signer(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


@dataclass
class StatusRow:
    recipient: NoticeRecipient
    name: str
    state: str
    state_label: str
    signed_at: object
    signed_by: str
    reply: NoticeReply | None  # the latest
    late: bool


def _is_late(notice, recipient, reply, today) -> bool:
    """Signed (and, when asked, replied) after the due date, or not yet and past it."""
    due = notice.due_on
    signed_late = (timezone.localdate(recipient.signed_at) > due if recipient.signed_at
                   else today > due)
    if not notice.reply_required:
        return signed_late
    first = reply.submitted_at if reply else None
    replied_late = timezone.localdate(first) > due if first else today > due
    return signed_late or replied_late


def status_rows(notice: Notice, *, today=None) -> tuple[list[StatusRow], dict]:
    """The notice's recipients with their state, sign-off, latest reply and lateness, by name,
    and the counts above the table (two queries, three with replies' files)."""
    today = today or timezone.localdate()
    replies = NoticeReply.objects.select_related("returned_by").prefetch_related("files")
    recipients = (
        notice.recipients.select_related("committee", "branch", "unit", "signed_by")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="all_replies"))
    )
    rows = []
    for r in recipients:
        latest = r.all_replies[-1] if r.all_replies else None
        first = r.all_replies[0] if r.all_replies else None
        rows.append(StatusRow(
            recipient=r, name=r.holder.name, state=r.state, state_label=r.get_state_display(),
            signed_at=r.signed_at, signed_by=_signer(r.signed_by), reply=latest,
            late=_is_late(notice, r, first, today),
        ))
    rows.sort(key=lambda row: (row.name, row.recipient.pk))
    counts = {
        "total": len(rows),
        "signed": sum(1 for row in rows if row.signed_at),
        "replied": sum(1 for row in rows if row.state == State.REPLIED),
        "late": sum(1 for row in rows if row.late),
    }
    return rows, counts


def sent_notices(user):
    """The notices the user's side sent, with how many recipients signed and replied."""
    return Notice.objects.for_user(user, write=True).select_related(
        "sender_committee", "district"
    ).annotate(
        n_recipients=Count("recipients"),
        n_signed=Count("recipients", filter=Q(recipients__signed_at__isnull=False)),
        n_replied=Count("recipients", filter=Q(recipients__state=State.REPLIED)),
    ).order_by("-sent_at", "-pk")


def received(user, *, committee=None, branch=None, unit=None, waiting_only=False):
    """The receipts the user's side answers for (of ``committee``, ``branch`` or ``unit`` only,
    when given), latest notice first; ``waiting_only``: still to sign or to reply, and open."""
    rows = NoticeRecipient.objects.for_user(user, write=True).select_related(
        "notice__sender_committee", "notice__district", "committee", "branch", "unit")
    if committee is not None:
        rows = rows.filter(committee=committee)
    if branch is not None:
        rows = rows.filter(branch=branch)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if waiting_only:
        today = timezone.localdate()
        rows = rows.filter(
            Q(state=State.PENDING) | Q(notice__reply_required=True, state__in=OPEN_STATES)
        ).filter(Q(notice__due_on__gte=today) | Q(notice__reopened_until__gte=today))
    return rows.order_by("-notice__sent_at", "-pk")


def waiting_card(user, *, committee=None, branch=None, unit=None, limit: int = 5) -> dict:
    """A landing page's card: the notices waiting for the user's side there (one query, none
    for a user who does not answer for that committee, branch or unit, e.g. the district)."""
    scope = scope_of(user)
    if committee is not None:
        holder = committee.pk in scope.committee_ids
    elif branch is not None:
        holder = branch.pk in scope.branch_ids
    else:
        holder = unit.pk in scope.unit_ids
    if not (holder or scope.superuser):
        return {"receipts": []}
    return {"receipts": list(received(user, committee=committee, branch=branch, unit=unit,
                                      waiting_only=True)[:limit])}


def own_receipts(user, notice) -> list[NoticeRecipient]:
    """The receipts of ``notice`` the user's side answers for, with their replies and files
    (three queries; usually one receipt)."""
    return list(
        NoticeRecipient.objects.for_user(user, write=True).filter(notice=notice)
        .select_related("committee", "branch", "unit", "signed_by")
        .prefetch_related(Prefetch(
            "replies", queryset=NoticeReply.objects.prefetch_related("files"),
            to_attr="all_replies"))
    )
