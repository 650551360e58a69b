"""The meeting pages: the committee's list, planning (committee and branch), the meeting's page,
attendance, agenda, minutes, sign-off, addenda, the printable minutes, attachments, and the
branch page's meetings card; who may use them and what they refuse."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MinutesAddendum,
)
from tests import files
from tests.conftest import session_queries
from tests.factories import MatterFactory, MemberFactory, UnitFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def local(*args):
    return timezone.make_aware(datetime(*args))


def yesterday():
    """A seat's term begun by the meeting's day: ``plan`` starts it an hour ago, which in the
    first hour after midnight (Asia/Shanghai) is yesterday."""
    return timezone.localdate() - timedelta(days=1)


def plan(world, *, starts_at=None, kind="monthly", branch=None, user=None, **fields):
    meeting = Meeting(kind=kind, starts_at=starts_at or timezone.now() - timedelta(hours=1),
                      **fields)
    return meeting_services.meeting_save(meeting=meeting, user=user or world.secretary_a,
                                 committee=None if branch else world.a, branch=branch)


def held(world, **fields):
    meeting = plan(world, **fields)
    meeting_services.minutes_save(
        meeting=meeting, user=world.secretary_a, minutes="讨论了楼道堆物。", decisions="三日内清理"
    )
    return meeting


def signed(world, **fields):
    return meeting_services.sign_off(meeting=held(world, **fields), user=world.secretary_a)


def pdf(name="纪要.pdf", size=None):
    if size:  # only the size is read: the file is refused before it is parsed
        return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, "application/pdf")
    return files.pdf(name)


def docx(name="签到表.docx"):
    return files.docx(name)


def _pages(world):
    meeting = plan(world, title="三月例会")
    item = meeting_services.agenda_save(item=AgendaItem(title="议题"), user=world.secretary_a,
                                meeting=meeting)
    attachment = meeting_services.attachment_add(
        meeting=meeting, user=world.secretary_a, upload=pdf()
    )
    return {
        "meeting-list": [world.a.pk],
        "meeting-create": [world.a.pk],
        "meeting-detail": [meeting.pk],
        "meeting-update": [meeting.pk],
        "meeting-attendance": [meeting.pk],
        "agenda-create": [meeting.pk],
        "agenda-update": [item.pk],
        "meeting-minutes": [meeting.pk],
        "meeting-sign-off": [meeting.pk],
        "meeting-addendum": [meeting.pk],
        "meeting-print": [meeting.pk],
        "meeting-qr": [meeting.pk],
        "attachment-file": [meeting.pk, attachment.pk],
    }


WRITES = {"meeting-create", "meeting-update", "meeting-attendance", "agenda-create",
          "agenda-update", "meeting-minutes", "meeting-sign-off", "meeting-addendum",
          "meeting-qr"}


# --- every page: sign-in and scope ---------------------------------------------------------

def test_every_page_sends_an_anonymous_visitor_to_sign_in(client, world):
    pages = {**_pages(world), "branch-meeting-create": [world.a_branch.pk]}
    for name, args in pages.items():
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_committee_bs_secretary_finds_nothing_of_committee_a(login, world):
    client = login(world.secretary_b)
    pages = {**_pages(world), "branch-meeting-create": [world.a_branch.pk]}
    for name, args in pages.items():
        assert client.get(url(name, *args)).status_code == 404, name
        assert client.post(url(name, *args)).status_code == 404, name
    assert client.post(url("attachment-upload", pages["meeting-detail"][0]),
                       {"file": pdf()}).status_code == 404
    assert Meeting.objects.count() == 1 and Meeting.objects.get().status == "planned"
    assert MeetingAttachment.objects.count() == 1


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_a_reader_of_the_meeting_reads_but_does_not_write(login, world, persona):
    client = login(getattr(world, persona))
    pages = _pages(world)
    for name, args in pages.items():
        expected = 403 if name in WRITES else 200
        assert client.get(url(name, *args)).status_code == expected, name
    for name in WRITES:
        assert client.post(url(name, *pages[name])).status_code == 403, name
    assert client.post(url("attachment-upload", pages["meeting-detail"][0]),
                       {"file": pdf()}).status_code == 403
    assert Meeting.objects.get().status == "planned"


def test_a_member_not_expected_does_not_see_the_meeting(login, world):
    meeting = plan(world, kind="branch_assembly", branch=world.a_retirees)
    client = login(world.member_user)
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 404
    page = client.get(url("meeting-list", world.a.pk)).content.decode()
    assert "0 meetings" in page


# --- the list ------------------------------------------------------------------------------

class TestMeetingList:
    def test_it_lists_the_committees_and_branches_meetings_latest_first(self, login, world):
        plan(world, title="一月例会", starts_at=local(2026, 1, 10, 15))
        plan(world, title="二月支部大会", kind="branch_assembly", branch=world.a_branch,
             starts_at=local(2026, 2, 10, 15))
        page = login(world.secretary_a).get(url("meeting-list", world.a.pk)).content.decode()
        assert page.index("二月支部大会") < page.index("一月例会")
        assert "学苑社区居民党支部" in page and 'data-testid="new-meeting"' in page

    def test_it_filters_by_holder_kind_month_and_status(self, login, world):
        plan(world, title="一月例会", starts_at=local(2026, 1, 31, 23, 30))
        plan(world, title="二月例会", starts_at=local(2026, 2, 1, 0, 30))
        plan(world, title="支部大会", kind="branch_assembly", branch=world.a_branch,
             starts_at=local(2026, 2, 3, 9))
        client = login(world.secretary_a)

        def titles(**query):
            response = client.get(url("meeting-list", world.a.pk), query)
            return {m.title for m in response.context["page"].object_list}

        assert titles(month="2026-02") == {"二月例会", "支部大会"}  # local months
        assert titles(holder="committee") == {"一月例会", "二月例会"}
        assert titles(holder=str(world.a_branch.pk)) == {"支部大会"}
        assert titles(kind="branch_assembly") == {"支部大会"}
        assert titles(status="held") == set()
        assert titles(month="2026-13") == {"一月例会", "二月例会", "支部大会"}  # ignored

    def test_it_pages_by_twenty_and_its_queries_do_not_grow(
        self, login, world, django_assert_num_queries
    ):
        client = login(world.secretary_a)
        for n in (3, 30):
            Meeting.objects.all().delete()
            for i in range(n):
                plan(world, title=f"例会{i}", venue=world.a_venue)
            # session, user, scope (roles, member), committee, branches, count, page,
            # can_write
            with django_assert_num_queries(session_queries() + 6):
                response = client.get(url("meeting-list", world.a.pk))
            assert len(response.context["page"].object_list) == min(n, 20)

    def test_an_empty_list_says_so(self, login, world):
        page = login(world.secretary_a).get(url("meeting-list", world.a.pk)).content.decode()
        assert "No meetings yet." in page


# --- planning ------------------------------------------------------------------------------

def form_data(**changes):
    data = {"kind": "monthly", "title": "", "starts_at": "2026-03-05T15:00", "venue": "",
            "place": "社区二楼", "chair": "张书记", "recorder": "李委员", "invitees": "街道干部"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


class TestPlanning:
    def test_a_secretary_plans_a_monthly_meeting(self, login, world):
        client = login(world.secretary_a)
        response = client.post(url("meeting-create", world.a.pk),
                               form_data(venue=world.a_venue.pk))
        meeting = Meeting.objects.get()
        assert response.status_code == 302 and response.url == meeting.get_absolute_url()
        assert meeting.title == meeting_services.default_title("monthly")  # the portal's language
        assert timezone.localtime(meeting.starts_at).hour == 15
        assert list(meeting.attendances.values_list("name", flat=True)) == ["郑优芳"]

    def test_a_joint_meeting_names_units_of_the_district(self, login, world):
        client = login(world.secretary_a)
        client.post(url("meeting-create", world.a.pk),
                    form_data(kind="joint", units=[world.unit.pk]))
        meeting = Meeting.objects.get()
        assert list(meeting.units.all()) == [world.unit]
        assert meeting.attendances.filter(unit=world.unit).exists()

    @pytest.mark.parametrize("bad", [
        {"kind": "branch_assembly"}, {"starts_at": "tomorrow"}, {"venue": 10**20},
        {"kind": "joint"}, {"units": "UNIT"},
    ])
    def test_bad_input_is_refused_and_nothing_is_written(self, login, world, bad):
        if bad.get("units") == "UNIT":
            bad = {"units": [world.unit.pk]}  # units, but not a joint meeting
        response = login(world.secretary_a).post(url("meeting-create", world.a.pk),
                                                 form_data(**bad))
        assert response.status_code == 400
        assert not Meeting.objects.exists()

    def test_a_branch_secretary_plans_a_party_group_meeting(self, login, world):
        client = login(world.branch_secretary)
        form = client.get(url("branch-meeting-create", world.a_group.pk)).context["form"]
        assert [k for k, _ in form.fields["kind"].choices] == ["group"]
        response = client.post(url("branch-meeting-create", world.a_group.pk),
                               form_data(kind="group"))
        assert response.status_code == 302
        meeting = Meeting.objects.get()
        assert (meeting.branch, meeting.committee) == (world.a_group, world.a)

    def test_a_branch_does_not_hold_a_party_group_meeting(self, login, world):
        client = login(world.branch_secretary)
        response = client.post(url("branch-meeting-create", world.a_branch.pk),
                               form_data(kind="group"))
        assert response.status_code == 400 and not Meeting.objects.exists()

    def test_another_branchs_secretary_cannot_plan_for_it(self, login, world):
        client = login(world.branch_secretary)
        assert client.get(url("branch-meeting-create", world.a_retirees.pk)).status_code == 403

    def test_editing_keeps_the_holder(self, login, world):
        meeting = plan(world)
        client = login(world.secretary_a)
        response = client.post(url("meeting-update", meeting.pk),
                               form_data(title="三月例会", kind="committee_work"))
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.title, meeting.kind, meeting.committee) == (
            "三月例会", "committee_work", world.a)


# --- the meeting's page ---------------------------------------------------------------------

class TestMeetingDetail:
    def test_it_shows_the_meeting_the_agenda_and_the_attendance_counts(self, login, world):
        MemberFactory(committee=world.a, name="请假委员", branch=world.a_branch).seats.create(
            committee=world.a, role="member", term_start=yesterday())
        meeting = plan(world, title="三月例会", chair="张书记", venue=world.a_venue)
        rows = dict(meeting.attendances.values_list("name", "pk"))
        meeting_services.record_attendance(meeting=meeting, user=world.secretary_a, rows=[
            (rows["郑优芳"], "present", ""), (rows["请假委员"], "leave", "出差"),
        ])
        matter = MatterFactory(committee=world.a, title="楼道堆物纠纷")
        meeting_services.agenda_save(item=AgendaItem(title="议楼道堆物", matter=matter),
                             user=world.secretary_a, meeting=meeting)
        response = login(world.secretary_a).get(url("meeting-detail", meeting.pk))
        page = response.content.decode()
        assert "2 expected: 1 present, 0 late, 1 absent with leave, 0 absent." in page
        assert "张书记" in page and "学苑党员活动室" in page and "出差" in page
        assert matter.get_absolute_url() in page and "楼道堆物纠纷" in page
        assert url("meeting-minutes", meeting.pk) in page  # started: minutes may be written
        assert url("meeting-sign-off", meeting.pk) not in page  # not held yet
        assert "style=" not in page

    def test_a_planned_meeting_in_the_future_offers_no_minutes(self, login, world):
        meeting = plan(world, starts_at=timezone.now() + timedelta(days=2))
        page = login(world.secretary_a).get(url("meeting-detail", meeting.pk)).content.decode()
        assert url("meeting-minutes", meeting.pk) not in page
        assert "recorded once the meeting has started" in page

    def test_a_signed_off_meeting_offers_only_the_addendum(self, login, world):
        meeting = signed(world)
        page = login(world.secretary_a).get(url("meeting-detail", meeting.pk)).content.decode()
        assert url("meeting-addendum", meeting.pk) in page
        for name in ("meeting-update", "meeting-attendance", "meeting-minutes",
                     "meeting-sign-off", "agenda-create"):
            assert url(name, meeting.pk) not in page, name
        assert "Signed off by secretary_a" in page

    def test_a_reader_sees_no_writer_buttons(self, login, world):
        meeting = plan(world)
        page = login(world.member_user).get(url("meeting-detail", meeting.pk)).content.decode()
        assert url("meeting-update", meeting.pk) not in page
        assert url("meeting-print", meeting.pk) in page


# --- attendance, agenda, minutes, sign-off, addenda ----------------------------------------

class TestWrites:
    def test_attendance_is_recorded_all_or_nothing(self, login, world):
        MemberFactory(committee=world.a, name="王委员").seats.create(
            committee=world.a, role="member", term_start=yesterday())
        meeting = plan(world)
        rows = dict(meeting.attendances.values_list("name", "pk"))
        client = login(world.secretary_a)
        bad = {f"status_{rows['郑优芳']}": "present", f"status_{rows['王委员']}": "leave"}
        response = client.post(url("meeting-attendance", meeting.pk), bad)
        assert response.status_code == 400
        assert "Say why the member is absent." in response.content.decode()
        assert not meeting.attendances.exclude(status="expected").exists()
        good = {**bad, f"reason_{rows['王委员']}": "出差"}
        assert client.post(url("meeting-attendance", meeting.pk), good).status_code == 302
        assert dict(meeting.attendances.values_list("name", "status")) == {
            "郑优芳": "present", "王委员": "leave"}

    def test_an_agenda_item_is_added_at_the_next_position(self, login, world):
        meeting = plan(world)
        meeting_services.agenda_save(item=AgendaItem(title="第一项"), user=world.secretary_a,
                             meeting=meeting)
        client = login(world.secretary_a)
        form = client.get(url("agenda-create", meeting.pk)).context["form"]
        assert form.fields["position"].initial == 2
        theirs = MatterFactory(committee=world.b)
        bad = client.post(url("agenda-create", meeting.pk),
                          {"position": 2, "title": "别人的", "matter": theirs.pk})
        assert bad.status_code == 400
        response = client.post(url("agenda-create", meeting.pk),
                               {"position": 2, "title": "第二项"})
        assert response.status_code == 302
        assert list(meeting.agenda.values_list("title", flat=True)) == ["第一项", "第二项"]

    def test_writing_the_minutes_marks_the_meeting_held(self, login, world):
        meeting = plan(world)
        matter = MatterFactory(committee=world.a)
        meeting_services.agenda_save(item=AgendaItem(title="议题", matter=matter),
                             user=world.secretary_a, meeting=meeting)
        client = login(world.secretary_a)
        assert client.post(url("meeting-minutes", meeting.pk), {"minutes": ""}).status_code == 400
        response = client.post(url("meeting-minutes", meeting.pk),
                               {"minutes": "会议纪要正文", "decisions": "决定"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        matter.refresh_from_db()
        assert (meeting.status, meeting.minutes, matter.status) == (
            "held", "会议纪要正文", "deliberated")

    def test_minutes_of_a_future_meeting_are_refused(self, login, world):
        meeting = plan(world, starts_at=timezone.now() + timedelta(days=1))
        response = login(world.secretary_a).post(url("meeting-minutes", meeting.pk),
                                                 {"minutes": "提前写"})
        assert response.status_code == 400
        assert "has not started yet" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.status == "planned"

    def test_signing_off_asks_first_then_locks_the_pages(self, login, world):
        meeting = held(world)
        client = login(world.secretary_a)
        confirm = client.get(url("meeting-sign-off", meeting.pk))
        assert 'data-testid="confirm-sign-off"' in confirm.content.decode()
        meeting.refresh_from_db()
        assert meeting.status == "held"
        assert client.post(url("meeting-sign-off", meeting.pk)).status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == "signed_off"
        again = client.post(url("meeting-sign-off", meeting.pk))
        assert again.status_code == 400 and "already signed off" in again.content.decode()
        for name in ("meeting-update", "meeting-attendance", "meeting-minutes",
                     "agenda-create"):
            response = client.post(url(name, meeting.pk), {"minutes": "改", "title": "改"})
            assert response.status_code == 302 and response.url == meeting.get_absolute_url()
        meeting.refresh_from_db()
        assert meeting.minutes == "讨论了楼道堆物。" and not meeting.agenda.exists()

    def test_signing_off_a_planned_meeting_is_refused(self, login, world):
        meeting = plan(world)
        response = login(world.secretary_a).post(url("meeting-sign-off", meeting.pk))
        assert response.status_code == 400
        meeting.refresh_from_db()
        assert meeting.status == "planned"

    def test_an_addendum_follows_signed_off_minutes(self, login, world):
        client = login(world.secretary_a)
        draft = held(world)
        early = client.post(url("meeting-addendum", draft.pk), {"text": "更正"})
        assert early.status_code == 400 and not MinutesAddendum.objects.exists()
        meeting = signed(world)
        assert client.post(url("meeting-addendum", meeting.pk), {"text": ""}).status_code == 400
        response = client.post(url("meeting-addendum", meeting.pk), {"text": "更正：应到9人"})
        assert response.status_code == 302
        page = client.get(url("meeting-detail", meeting.pk)).content.decode()
        assert "更正：应到9人" in page


# --- the printable minutes -----------------------------------------------------------------

def test_the_printable_minutes_show_everything_without_the_navigation(login, world):
    MemberFactory(committee=world.a, name="请假委员").seats.create(
        committee=world.a, role="member", term_start=yesterday())
    meeting = plan(world, title="三月例会", chair="张书记", recorder="李委员")
    rows = dict(meeting.attendances.values_list("name", "pk"))
    meeting_services.record_attendance(meeting=meeting, user=world.secretary_a, rows=[
        (rows["郑优芳"], "present", ""), (rows["请假委员"], "leave", "住院"),
    ])
    meeting_services.agenda_save(item=AgendaItem(title="议楼道", decision="限期清理"),
                         user=world.secretary_a, meeting=meeting)
    meeting_services.minutes_save(meeting=meeting, user=world.secretary_a, minutes="纪要正文第一段",
                          decisions="总决定")
    meeting_services.sign_off(meeting=meeting, user=world.secretary_a)
    meeting_services.add_addendum(meeting=meeting, user=world.secretary_a, text="补充说明")
    response = login(world.member_user).get(url("meeting-print", meeting.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "print.css" in page and "navbar" not in page
    for text in ("三月例会", "学苑社区", "张书记", "李委员", "纪要正文第一段", "总决定", "限期清理",
                 "请假委员 (住院)", "补充说明", "Signed off by"):
        assert text in page, text
    assert 'data-testid="print-present">郑优芳<' in page


# --- attachments ---------------------------------------------------------------------------

class TestAttachments:
    def test_a_pdf_is_kept_and_downloaded_by_a_reader(self, login, world):
        meeting = plan(world)
        client = login(world.secretary_a)
        response = client.post(url("attachment-upload", meeting.pk), {"file": pdf("三月纪要.pdf")})
        assert response.status_code == 302
        attachment = MeetingAttachment.objects.get()
        assert attachment.name == "三月纪要.pdf"
        assert attachment.token in attachment.file.name and "三月" not in attachment.file.name
        download = login(world.member_user).get(url("attachment-file", meeting.pk,
                                                    attachment.pk))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert "attachment" in download["Content-Disposition"]
        assert b"".join(download.streaming_content).startswith(b"%PDF-")

    def test_a_docx_is_accepted(self, login, world):
        meeting = plan(world)
        response = login(world.secretary_a).post(url("attachment-upload", meeting.pk),
                                                 {"file": docx()})
        assert response.status_code == 302 and MeetingAttachment.objects.count() == 1

    @pytest.mark.parametrize(("upload", "message"), [
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "is not a PDF file"),
        (SimpleUploadedFile("fake.docx", b"PK\x03\x04 broken zip"), "is not a DOCX file"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "only PDF, DOCX, XLSX"),
    ])
    def test_a_file_whose_content_does_not_match_is_refused(
        self, login, world, upload, message
    ):
        meeting = plan(world)
        response = login(world.secretary_a).post(url("attachment-upload", meeting.pk),
                                                 {"file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not MeetingAttachment.objects.exists()

    def test_a_file_over_10_mb_is_refused(self, login, world):
        meeting = plan(world)
        response = login(world.secretary_a).post(
            url("attachment-upload", meeting.pk),
            {"file": pdf(size=meeting_services.MAX_ATTACHMENT_BYTES + 1)},
        )
        assert response.status_code == 400
        assert "larger than 10 MB" in response.content.decode()
        assert not MeetingAttachment.objects.exists()

    def test_the_upload_page_only_takes_posts(self, login, world):
        meeting = plan(world)
        assert login(world.secretary_a).get(
            url("attachment-upload", meeting.pk)).status_code == 405

    def test_another_committees_secretary_cannot_download(self, login, world):
        meeting = plan(world)
        attachment = meeting_services.attachment_add(meeting=meeting, user=world.secretary_a,
                                             upload=pdf())
        response = login(world.secretary_b).get(url("attachment-file", meeting.pk,
                                                    attachment.pk))
        assert response.status_code == 404


# --- the branch page's meetings card --------------------------------------------------------

def test_the_branch_page_lists_its_meetings_and_offers_a_new_one(login, world):
    plan(world, title="下周党课", kind="lecture", branch=world.a_branch,
         starts_at=timezone.now() + timedelta(days=7), user=world.branch_secretary)
    plan(world, title="上周小组会", kind="group", branch=world.a_group,
         user=world.branch_secretary)
    branch_url = reverse("branches:branch-detail", args=[world.a_branch.pk])
    page = login(world.branch_secretary).get(branch_url).content.decode()
    assert "下周党课" in page and "上周小组会" in page
    assert url("branch-meeting-create", world.a_branch.pk) in page
    assert url("branch-compliance", world.a_branch.pk) in page
    member_page = login(world.member_user).get(branch_url).content.decode()
    assert url("branch-meeting-create", world.a_branch.pk) not in member_page
    assert "上周小组会" in member_page  # the member was expected at their group's meeting
    assert "下周党课" in member_page


def test_units_of_a_joint_meeting_show_on_its_page(login, world):
    other = UnitFactory(district=world.district, name="盐湖区税务局")
    meeting = Meeting(kind="joint", starts_at=timezone.now())
    meeting_services.meeting_save(meeting=meeting, user=world.secretary_a, committee=world.a,
                          units=[world.unit, other])
    page = login(world.secretary_a).get(url("meeting-detail", meeting.pk)).content.decode()
    assert "运城市第一医院" in page and "盐湖区税务局" in page
    assert MeetingAttendance.objects.filter(meeting=meeting, unit=other).exists()
