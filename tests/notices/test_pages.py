"""The pages of notices: sending one, a recipient signing and replying (and only theirs), the
sender's table and its Excel, returning a reply, reopening, the files, the landing cards, and
the sender's page at a fixed number of queries."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from committees.models import Committee
from notices import services
from notices.models import Notice, NoticeRecipient
from tests.conftest import session_queries
from tests.factories import CommitteeFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"notices:{name}", args=args)


def today():
    return timezone.localdate()


def send(world, recipients=None, **extra):
    fields = {"title": "关于报送党员信息的通知", "text": "请于本月底前报送。",
              "due_on": today() + timedelta(days=7), "reply_required": True}
    fields.update(extra)
    return services.notice_send(user=world.officer, district=world.district,
                                recipients=recipients or [world.a, world.b], **fields)


def receipt_of(notice, committee):
    return NoticeRecipient.objects.select_related("notice").get(notice=notice,
                                                                committee=committee)


def test_the_officer_sends_a_notice_with_files_to_some_committees(world, login, files):
    client = login(world.officer)
    form = client.get(url("district-notice-create", world.district.pk))
    assert form.status_code == 200 and "学苑社区" in form.content.decode()
    response = client.post(url("district-notice-create", world.district.pk), {
        "title": "关于报送党员信息的通知", "text": "请报送。", "recipients": [world.a.pk],
        "due_on": (today() + timedelta(days=5)).isoformat(), "reply_required": "on",
        "files": [files.pdf(), files.png()],
    })
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    assert notice.reply_required and notice.sender_committee is None
    assert [r.committee for r in notice.recipients.all()] == [world.a]
    assert sorted(notice.attachments.values_list("name", flat=True)) == ["照片.png", "通知.pdf"]


def test_bad_input_on_the_form_is_refused_with_a_message(world, login, files):
    client = login(world.officer)
    response = client.post(url("district-notice-create", world.district.pk), {
        "title": "通知", "text": "请报送。", "recipients": [world.a.pk],
        "due_on": (today() - timedelta(days=1)).isoformat(), "files": [files.fake()],
    })
    assert response.status_code == 400
    assert "The due date cannot be in the past." in response.content.decode()
    response = client.post(url("district-notice-create", world.district.pk), {
        "title": "通知", "text": "请报送。", "recipients": [world.a.pk],
        "due_on": today().isoformat(), "files": [files.fake()],
    })
    assert response.status_code == 400 and "is not a PDF file" in response.content.decode()
    assert not Notice.objects.exists()


def test_a_secretary_signs_and_replies_on_the_notices_page(world, login, files):
    notice = send(world)
    client = login(world.secretary_a)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "请于本月底前报送。" in page and 'data-testid="sign"' in page
    assert 'data-testid="status"' not in page  # the sender's table is the sender's
    receipt = receipt_of(notice, world.a)
    assert client.post(url("receipt-sign", receipt.pk)).status_code == 302
    response = client.post(url("receipt-reply", receipt.pk),
                           {"text": "已报送名册。", "files": [files.pdf("名册.pdf")]})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.state == "replied" and receipt.signed_by == world.secretary_a
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "已报送名册。" in page and "名册.pdf" in page and 'data-testid="reply-form"' not in page
    file = receipt.replies.get().files.get()
    download = client.get(url("reply-file", file.reply_id, file.pk))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"


def test_the_sender_sees_who_signed_replied_and_is_late_and_returns_a_reply(world, login):
    notice = send(world)
    reply = services.reply_submit(recipient=receipt_of(notice, world.a),
                                  user=world.secretary_a, text="已报送。")
    Notice.objects.filter(pk=notice.pk).update(due_on=today() - timedelta(days=1))
    client = login(world.officer)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "1 of 2 signed, 1 replied, 2 late." in page  # A replied after the (moved) due date
    assert page.count('data-testid="status-row"') == 2
    response = client.post(url("reply-return", reply.pk), {"reason": "缺少联系电话"})
    assert response.status_code == 302
    assert receipt_of(notice, world.a).state == "returned"
    # the secretary sees why, but the notice is closed: no new reply until it is reopened
    client = login(world.secretary_a)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "缺少联系电话" in page and 'data-testid="reply-form"' not in page
    assert client.post(url("receipt-reply", receipt_of(notice, world.a).pk),
                       {"text": "补报"}).status_code == 400
    client = login(world.officer)
    assert client.post(url("notice-reopen", notice.pk),
                       {"until": (today() + timedelta(days=2)).isoformat()}).status_code == 302
    client = login(world.secretary_a)
    assert client.post(url("receipt-reply", receipt_of(notice, world.a).pk),
                       {"text": "补报"}).status_code == 302


def test_a_recipient_cannot_return_replies_or_export(world, login):
    notice = send(world)
    reply = services.reply_submit(recipient=receipt_of(notice, world.a),
                                  user=world.secretary_a, text="已报送。")
    client = login(world.secretary_a)
    assert client.post(url("reply-return", reply.pk), {"reason": "x"}).status_code == 403
    assert client.get(url("notice-export", notice.pk)).status_code == 403
    assert receipt_of(notice, world.a).state == "replied"


def test_secretary_b_sees_nothing_of_as_notice_reply_or_files(world, login, files):
    notice = send(world, recipients=[world.a], files=[files.pdf()])
    reply = services.reply_submit(recipient=receipt_of(notice, world.a),
                                  user=world.secretary_a, text="学苑的报送",
                                  files=[files.pdf("学苑.pdf")])
    client = login(world.secretary_b)
    receipt = receipt_of(notice, world.a)
    for path in (notice.get_absolute_url(), url("receipt-reply", receipt.pk),
                 url("reply-return", reply.pk),
                 url("attachment-file", notice.pk, notice.attachments.get().pk),
                 url("reply-file", reply.pk, reply.files.get().pk)):
        assert client.get(path).status_code == 404, path
    assert client.post(url("receipt-sign", receipt.pk)).status_code == 404
    listing = client.get(url("notice-list")).content.decode()
    assert "关于报送党员信息的通知" not in listing


def test_each_recipient_sees_only_their_own_reply(world, login):
    notice = send(world)
    services.reply_submit(recipient=receipt_of(notice, world.a), user=world.secretary_a,
                          text="学苑的报送")
    page = login(world.secretary_b).get(notice.get_absolute_url()).content.decode()
    assert "学苑的报送" not in page and "学苑社区" not in page


def test_a_branch_secretary_signs_their_committees_notice(world, login):
    notice = services.notice_send(
        user=world.secretary_a, district=world.district, sender_committee=world.a,
        title="支部通知", text="请签收", due_on=today(), reply_required=False,
        recipients=[world.a_branch, world.a_retirees],
    )
    client = login(world.branch_secretary)
    branch_page = client.get(world.a_branch.get_absolute_url()).content.decode()
    assert 'data-testid="notices-waiting"' in branch_page and "支部通知" in branch_page
    page = client.get(notice.get_absolute_url()).content.decode()
    assert page.count('data-testid="receipt"') == 1  # their branch, not the retirees'
    receipt = notice.recipients.get(branch=world.a_branch)
    client.post(url("receipt-sign", receipt.pk))
    receipt.refresh_from_db()
    assert receipt.state == "signed" and receipt.signed_by == world.branch_secretary
    other = notice.recipients.get(branch=world.a_retirees)
    assert client.post(url("receipt-sign", other.pk)).status_code == 404
    assert 'data-testid="notices-waiting"' not in client.get(
        world.a_branch.get_absolute_url()).content.decode()


def test_the_committee_page_shows_what_waits_for_its_side(world, login):
    send(world, title="待签收的通知")
    page = login(world.secretary_a).get(world.a.get_absolute_url()).content.decode()
    assert 'data-testid="notices-waiting"' in page and "待签收的通知" in page
    # the district's officer sends; nothing waits for them on the committee's page
    page = login(world.officer).get(world.a.get_absolute_url()).content.decode()
    assert 'data-testid="notices-waiting"' not in page


def test_the_excel_lists_each_recipient(world, login):
    notice = send(world)
    services.reply_submit(recipient=receipt_of(notice, world.a), user=world.secretary_a,
                          text="=已报送")
    response = login(world.officer).get(url("notice-export", notice.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Recipient", "State")
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"学苑社区", "御沁园社区"}
    assert by_name["学苑社区"][1] == "Replied" and by_name["学苑社区"][3] == "secretary_a"
    assert by_name["学苑社区"][6] == "'=已报送"  # never a formula
    assert by_name["御沁园社区"][1] == "Not signed" and by_name["御沁园社区"][4] == "no"


def test_the_list_shows_received_and_sent(world, login):
    send(world)
    page = login(world.officer).get(url("notice-list")).content.decode()
    assert "0 of 2 signed, 0 replied" in page and 'data-testid="new-district-notice"' in page
    page = login(world.secretary_a).get(url("notice-list")).content.decode()
    assert 'data-testid="received-notice"' in page and 'data-testid="new-committee-notice"' in page


def _grow(world, n):
    """n more committees of the district."""
    committees = [CommitteeFactory(district=world.district, name=f"新社区{i}") for i in range(n)]
    return committees


SENDER_PAGE_QUERIES = 7  # notice, can_write, files, own receipts (+2 prefetches), rows (+2)


def test_the_senders_page_has_a_fixed_number_of_queries(world, client, files,
                                                        django_assert_num_queries):
    def make(committees):
        notice = send(world, recipients=committees)
        for r in NoticeRecipient.objects.filter(notice=notice).select_related("notice"):
            user = UserFactory()
            grant(user, "committee_secretary", r.committee)
            services.reply_submit(recipient=r, user=user, text="已报送",
                                  files=[files.pdf()])
        return notice

    client.force_login(world.officer)
    small = make([world.a])
    with django_assert_num_queries(SENDER_PAGE_QUERIES + session_queries()):
        client.get(small.get_absolute_url())
    large = make(list(Committee.objects.all()) + _grow(world, 8))
    with django_assert_num_queries(SENDER_PAGE_QUERIES + session_queries()):
        response = client.get(large.get_absolute_url())
    assert response.content.decode().count('data-testid="status-row"') == 10
