"""The sheet this app adds to a member's own data file (``members.own_data``): the notices
their account signed off (签收) and the replies it submitted, when the member also answers
for a branch, a committee or a unit. A member as such receives no notices."""

from django.utils.translation import gettext as _

from core.xlsx import datetime_cell
from members import own_data

from .models import NoticeRecipient, NoticeReply


@own_data.register(order=60)
def notices(member):
    rows = []
    if member.user_id:
        rows += [
            (r.notice.title, str(r.holder), _("Signed off"), datetime_cell(r.signed_at))
            for r in NoticeRecipient.objects.filter(signed_by_id=member.user_id)
            .select_related("notice", "committee", "branch", "unit").order_by("signed_at", "pk")
        ]
        rows += [
            (r.recipient.notice.title, str(r.recipient.holder), _("Replied"),
             datetime_cell(r.submitted_at))
            for r in NoticeReply.objects.filter(submitted_by_id=member.user_id)
            .select_related("recipient__notice", "recipient__committee", "recipient__branch",
                            "recipient__unit").order_by("submitted_at", "pk")
        ]
    return own_data.Sheet(_("Notices"), [_("Notice"), _("For"), _("What I did"), _("When")],
                          rows)
