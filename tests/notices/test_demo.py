"""The demo's notice: sent last month to every committee, most signed and replied (one reply
returned and sent again), a few late or not signed; seeding again adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import RoleAssignment
from notices.demo import TITLE, seed_notices
from notices.models import Notice, NoticeReply
from notices.selectors import status_rows

SMALL = 0.03


@pytest.fixture
def seeded_small(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", scale=SMALL, verbosity=0)


def test_the_demo_notice_tells_who_answered(seeded_small, client):
    notice = Notice.objects.get(title=TITLE)
    assert notice.sent_at.month != timezone.localdate().month and notice.reply_required
    rows, counts = status_rows(notice)
    assert counts["total"] == 18 and counts["replied"] == 16 and counts["signed"] == 16
    assert counts["late"] == 4  # two replied after the due date, two never signed
    assert NoticeReply.objects.filter(returned_at__isnull=False).count() == 1
    xueyuan = next(row for row in rows if row.name == "学苑社区")
    assert xueyuan.signed_by  # signed by the demo's secretary
    assert seed_notices(notice.district) is None and Notice.objects.count() == 1
    # the district's demo officer sees the table
    officer = RoleAssignment.objects.filter(role="district_officer").first().user
    client.force_login(officer)
    assert client.get(notice.get_absolute_url()).content.decode().count("status-row") == 18
