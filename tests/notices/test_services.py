"""The life of a notice through its services: sent down, signed off, replied to, returned,
replied again, closed at its due date and reopened; refusals write nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Notification
from notices import services
from notices.models import Notice, NoticeAttachment, NoticeRecipient, NoticeReply, ReplyFile
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def send(world, *, recipients=None, reply_required=True, due_on=None, files=(), **extra):
    return services.notice_send(
        user=world.officer, district=world.district, title="关于报送党员信息的通知",
        text="请于本月底前报送。", due_on=due_on or today() + timedelta(days=7),
        reply_required=reply_required,
        recipients=recipients if recipients is not None else [world.a, world.b],
        files=files, **extra,
    )


def close(notice):
    """Time passes: the notice's due date was yesterday."""
    Notice.objects.filter(pk=notice.pk).update(due_on=today() - timedelta(days=1))
    notice.refresh_from_db()


def test_it_sends_to_each_committee_and_notifies_their_side(world, files):
    notice = send(world, files=[files.pdf()])
    assert sorted(r.committee.name for r in notice.recipients.all()) == ["学苑社区", "御沁园社区"]
    assert all(r.state == "pending" for r in notice.recipients.all())
    assert notice.attachments.get().name == "通知.pdf"
    for secretary in (world.secretary_a, world.secretary_b):
        note = Notification.objects.get(user=secretary)
        assert "关于报送党员信息的通知" in note.text and note.url == notice.get_absolute_url()
    assert not Notification.objects.filter(user=world.officer).exists()


def test_the_whole_life_of_a_notice(world, files):
    notice = send(world, recipients=[world.a])
    receipt = NoticeRecipient.objects.select_related("notice").get(notice=notice)

    signed = services.receipt_sign(recipient=receipt, user=world.secretary_a)
    assert signed.state == "signed" and signed.signed_by == world.secretary_a
    first_signed_at = signed.signed_at
    # signing twice changes nothing
    assert services.receipt_sign(recipient=receipt, user=world.secretary_a).signed_at == (
        first_signed_at)

    reply = services.reply_submit(recipient=receipt, user=world.secretary_a, text="已报送名册。",
                                  files=[files.pdf("名册.pdf")])
    receipt.refresh_from_db()
    assert receipt.state == "replied" and reply.files.get().name == "名册.pdf"
    with pytest.raises(ValidationError):  # not again until it comes back
        services.reply_submit(recipient=receipt, user=world.secretary_a, text="再报")

    services.reply_return(reply=reply, user=world.officer, reason="缺少联系电话")
    receipt.refresh_from_db()
    reply.refresh_from_db()
    assert receipt.state == "returned" and reply.return_reason == "缺少联系电话"
    assert Notification.objects.filter(user=world.secretary_a,
                                       key=f"notice-reply:{reply.pk}:returned").exists()

    again = services.reply_submit(recipient=receipt, user=world.secretary_a,
                                  text="已补充联系电话。")
    receipt.refresh_from_db()
    assert receipt.state == "replied" and receipt.signed_at == first_signed_at
    assert list(receipt.replies.values_list("pk", flat=True)) == [reply.pk, again.pk]
    with pytest.raises(ValidationError):  # only the latest goes back
        services.reply_return(reply=reply, user=world.officer, reason="再退")


def test_replying_signs_a_notice_not_yet_signed(world):
    receipt = send(world, recipients=[world.a]).recipients.get()
    services.reply_submit(recipient=receipt, user=world.secretary_a, text="已报送。")
    receipt.refresh_from_db()
    assert receipt.signed_at and receipt.signed_by == world.secretary_a


def test_it_is_read_only_after_the_due_date_until_reopened(world):
    notice = send(world, recipients=[world.a, world.b])
    receipt_a, receipt_b = notice.recipients.order_by("committee__name").reverse()
    services.receipt_sign(recipient=receipt_a, user=world.secretary_a)
    close(notice)
    receipt_b = NoticeRecipient.objects.select_related("notice").get(pk=receipt_b.pk)
    with pytest.raises(ValidationError, match="closed"):
        services.receipt_sign(recipient=receipt_b, user=world.secretary_b)
    receipt_a = NoticeRecipient.objects.select_related("notice").get(pk=receipt_a.pk)
    with pytest.raises(ValidationError, match="closed"):
        services.reply_submit(recipient=receipt_a, user=world.secretary_a, text="迟报")
    assert not NoticeReply.objects.exists()
    receipt_b.refresh_from_db()
    assert receipt_b.state == "pending"

    with pytest.raises(ValidationError):  # reopening to a day already past
        services.notice_reopen(notice=notice, user=world.officer,
                               until=today() - timedelta(days=1))
    services.notice_reopen(notice=notice, user=world.officer, until=today() + timedelta(days=3))
    receipt_b = NoticeRecipient.objects.select_related("notice").get(pk=receipt_b.pk)
    assert services.receipt_sign(recipient=receipt_b, user=world.secretary_b).state == "signed"


def test_a_notice_without_a_reply_takes_none(world):
    receipt = send(world, recipients=[world.a], reply_required=False).recipients.get()
    with pytest.raises(ValidationError):
        services.reply_submit(recipient=receipt, user=world.secretary_a, text="收到")
    assert not NoticeReply.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "  "}, "title"),
    ({"text": ""}, "text"),
    ({"due_on": "past"}, "due_on"),
    ({"recipients": []}, "recipients"),
    ({"recipients": "branch"}, "recipients"),  # the district addresses committees
    ({"files": "fake"}, "files"),
    ({"files": "exe"}, "files"),
])
def test_bad_input_is_refused_and_nothing_is_written(world, files, change, field):
    kwargs = {
        "user": world.officer, "district": world.district, "title": "通知", "text": "内容",
        "due_on": today() + timedelta(days=3), "reply_required": True,
        "recipients": [world.a], "files": [files.pdf()],
    }
    kwargs.update(change)
    if change.get("due_on") == "past":
        kwargs["due_on"] = today() - timedelta(days=1)
    if change.get("recipients") == "branch":
        kwargs["recipients"] = [world.a_branch]
    if change.get("files") == "fake":
        kwargs["files"] = [files.pdf(), files.fake()]
    if change.get("files") == "exe":
        kwargs["files"] = [files.pdf("setup.exe")]
    with pytest.raises(ValidationError) as refused:
        services.notice_send(**kwargs)
    assert field in refused.value.message_dict
    assert not Notice.objects.exists() and not NoticeRecipient.objects.exists()
    assert not NoticeAttachment.objects.exists() and not Notification.objects.exists()


def test_a_bad_reply_file_writes_nothing(world, files):
    receipt = send(world, recipients=[world.a]).recipients.get()
    with pytest.raises(ValidationError):
        services.reply_submit(recipient=receipt, user=world.secretary_a, text="报送",
                              files=[files.fake()])
    receipt.refresh_from_db()
    assert receipt.state == "pending" and not ReplyFile.objects.exists()
    assert not NoticeReply.objects.exists()


def test_a_committee_sends_to_its_branches_only(world):
    notice = services.notice_send(
        user=world.secretary_a, district=world.district, sender_committee=world.a,
        title="支部通知", text="请签收", due_on=today(), reply_required=False,
        recipients=[world.a_branch],
    )
    assert notice.recipients.get().branch == world.a_branch
    assert Notification.objects.filter(user=world.branch_secretary).count() == 1
    with pytest.raises(ValidationError):
        services.notice_send(
            user=world.secretary_a, district=world.district, sender_committee=world.a,
            title="越界", text="x", due_on=today(), reply_required=False,
            recipients=[world.b_branch],
        )


def test_reminders_go_once_to_those_still_owing(world):
    from notices import tasks

    staff_a = UserFactory(username="staff_a")
    grant(staff_a, "committee_staff", world.a)
    notice = send(world, recipients=[world.a, world.b], due_on=today() + timedelta(days=1))
    signed_b = notice.recipients.get(committee=world.b)
    services.reply_submit(recipient=NoticeRecipient.objects.select_related("notice").get(
        pk=signed_b.pk), user=world.secretary_b, text="已报送")
    Notification.objects.all().delete()  # the notices of sending

    assert tasks.notice_reminders(today=today() - timedelta(days=1)) == 0  # not yet
    assert tasks.notice_reminders(today=today()) == 2  # A's secretary and staff
    assert tasks.notice_reminders(today=today()) == 0
    assert tasks.notice_reminders(today=(today() + timedelta(days=1)).isoformat()) == 0
    assert Notification.objects.filter(user=world.secretary_a).count() == 1
    assert Notification.objects.filter(user=staff_a).count() == 1
    assert not Notification.objects.filter(user=world.secretary_b).exists()
    assert "Sign off" in Notification.objects.get(user=world.secretary_a).text


def test_the_beat_task_writes_in_the_portals_language(world, monkeypatch):
    from django.utils import translation

    from notices import tasks

    send(world, recipients=[world.a], due_on=today())
    seen = []
    real = tasks.notice_reminders

    def spy(**kwargs):
        seen.append(translation.get_language())
        return real(**kwargs)

    monkeypatch.setattr(tasks, "notice_reminders", spy)
    assert tasks.send_notice_reminders.apply(kwargs={"today": today().isoformat()}).result == 1
    assert seen == ["zh-hans"]
