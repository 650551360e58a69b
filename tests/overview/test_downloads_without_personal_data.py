"""The portal's other spreadsheets hold no full ID number and no full mobile, even for the
district's officers (who may read both), so they write no audit entry (issue 15). The roster
export and the import's file to correct do, and are tested with their pages
(``tests/members/test_export.py``, ``tests/members/test_import_problems.py``); the reports by
period in ``tests/overview/test_reports.py``. Attachments (notices, meetings) are files people
upload, not written by the portal: not checked here."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from members.models import CheckIn, CheckInStatus
from notices import services as notice_services
from tests.factories import MemberFactory

ID_NUMBER = "140802198001010011"
MOBILE = "13912345678"
LONG_NUMBER = re.compile(r"\d{11,}")


@pytest.fixture
def employee(world):
    """A member of A working at ``world.unit`` and checked in to A, with an ID number and a
    mobile; the district's notice to A, signed off."""
    member = MemberFactory(committee=world.a, branch=world.a_branch, name="周晓明",
                           employer_unit=world.unit, category="in_service",
                           id_number=ID_NUMBER, mobile=MOBILE, address="学苑小区1号楼")
    CheckIn.objects.create(member=member, committee=world.a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 2, 1))
    notice = notice_services.notice_send(
        user=world.officer, district=world.district, title="关于报送党员信息的通知",
        text="请于月底前报送。", due_on=timezone.localdate() + timedelta(days=7),
        reply_required=False, recipients=[world.a],
    )
    return member, notice


def _cells(response) -> list[str]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [str(value) for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True) for value in row if value is not None]


def _downloads(world, notice):
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return {
        "feedback sheet": reverse("activities:feedback-sheet", args=[world.a.pk])
        + f"?year={today.year}&quarter={quarter}&unit={world.unit.pk}&format=xlsx",
        "unit ledger": reverse("activities:unit-ledger-export", args=[world.unit.pk]),
        "import template": reverse("members:roster-import-template", args=[world.a.pk]),
        "district dashboard": reverse("overview:district-dashboard-export",
                                      args=[world.district.pk]),
        "notice receipts": reverse("notices:notice-export", args=[notice.pk]),
    }


def test_no_other_spreadsheet_holds_a_full_id_number_or_mobile(world, login, employee):
    member, notice = employee
    client = login(world.officer)
    for what, url in _downloads(world, notice).items():
        cells = _cells(client.get(url))
        assert not [c for c in cells if LONG_NUMBER.search(c)], what
        assert not [c for c in cells if "学苑小区" in c], what
    # Not vacuous: the feedback sheet lists the member, by name only.
    assert member.name in _cells(client.get(_downloads(world, notice)["feedback sheet"]))
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
