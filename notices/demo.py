"""The demo's notice for ``seed_demo``: last month the district asked every committee to report
its members' check-in (报到) figures; most signed it off and replied, a few signed late or not
at all, one reply was returned and sent again. Written directly (its dates are past, which the
services refuse); run once per district (nothing happens when the notice is there)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from committees.models import Committee
from core.dates import add_months, local_datetime
from core.models import RoleAssignment

from .models import Notice, NoticeRecipient, NoticeReply, RecipientState

TITLE = "关于报送在职党员到社区报到情况的通知"
TEXT = (
    "各社区\u201c大党委\u201d：\n"
    "为掌握在职党员到居住社区报到和参加活动的情况，请于本通知规定日期前签收，并报送本社区报到"
    "人数、编入在职党员小组情况和本季度开展活动情况（可附表格）。\n"
    "区委组织部"
)
NOT_SIGNED = 2  # the last committees by name have not signed
LATE = 2  # the two before them signed and replied after the due date


@transaction.atomic
def seed_notices(district) -> Notice | None:
    if Notice.objects.filter(district=district, title=TITLE).exists():
        return None
    first = add_months(timezone.localdate().replace(day=1), -1)
    sent_at = local_datetime(first + timedelta(days=4), 9)
    due_on = first + timedelta(days=14)
    officer = RoleAssignment.objects.filter(district=district, role="district_officer").first()
    notice = Notice.objects.create(
        district=district, title=TITLE, text=TEXT, due_on=due_on, reply_required=True,
        sent_at=sent_at, sent_by=officer.user if officer else None,
    )
    committees = list(Committee.objects.filter(district=district).order_by("name", "pk"))
    signers = dict(RoleAssignment.objects.filter(
        committee__in=committees, role="committee_secretary").values_list("committee_id",
                                                                           "user_id"))
    answering = len(committees) - NOT_SIGNED
    recipients, replies = [], []
    for index, committee in enumerate(committees):
        recipient = NoticeRecipient(notice=notice, committee=committee)
        recipients.append(recipient)
        if index >= answering:
            continue
        late = index >= answering - LATE
        day = due_on + timedelta(days=2) if late else sent_at.date() + timedelta(days=index % 6)
        recipient.state = RecipientState.REPLIED
        recipient.signed_at = local_datetime(day, 10)
        recipient.signed_by_id = signers.get(committee.pk)
        replies.append((recipient, local_datetime(day, 16)))
    NoticeRecipient.objects.bulk_create(recipients)
    rows = []
    for index, (recipient, at) in enumerate(replies):
        text = (f"{recipient.committee.name}：在职党员报到情况已统计，编入在职党员小组，"
                f"本季度开展共建活动 {3 + index % 5} 次。")
        if index == 0:  # the first came back for its figures and was sent again
            rows.append(NoticeReply(
                recipient=recipient, text=f"{recipient.committee.name}：已报到。",
                submitted_at=at - timedelta(hours=5), submitted_by_id=recipient.signed_by_id,
                returned_at=at - timedelta(hours=3), returned_by=notice.sent_by,
                return_reason="请写明报到人数和活动次数。",
            ))
        rows.append(NoticeReply(recipient=recipient, text=text, submitted_at=at,
                                submitted_by_id=recipient.signed_by_id))
    NoticeReply.objects.bulk_create(rows)
    return notice
