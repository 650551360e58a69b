"""A committee's notice to the resident units it works with (驻区单位): the form offers exactly
its partner units, their liaisons (联络员) are told, see it on their unit's page, sign it off
(签收) and reply (信息报送) as a branch secretary does for a branch, and nobody else answers
for them; the sender hears of each reply."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch, BranchKind, CommitteeMembership
from core.models import Notification, RoleAssignment
from notices import services, tasks
from notices.models import Notice, NoticeRecipient
from tests.conftest import session_queries
from tests.factories import UnitFactory, UserFactory, grant
from units.models import Agreement

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"notices:{name}", args=args)


def today():
    return timezone.localdate()


def agreement(unit, committee, *, ends_on=None, status="in_force", **extra):
    return Agreement.objects.create(
        unit=unit, committee=committee, starts_on=date(2024, 1, 1),
        ends_on=ends_on or today() + timedelta(days=365), status=status,
        committee_commits="场地", unit_commits="志愿者", **extra)


def organisation(unit, committee, *, left_on=None):
    """The unit's party organisation, a member organisation of ``committee`` (until
    ``left_on``)."""
    org = Branch.objects.create(committee=committee, kind=BranchKind.UNIT, unit=unit,
                                name=f"{unit.name}党支部")
    CommitteeMembership.objects.create(committee=committee, branch=org,
                                       joined_on=date(2020, 1, 1), left_on=left_on)
    return org


@pytest.fixture
def units(world):
    """Committee A works with the hospital (an agreement in force) and the bank (its party
    organisation is a member organisation of A, and it has an agreement too: offered once).
    Not with the school (its agreement ended), the mall (its organisation left A), nor the
    power company (B's partner)."""
    agreement(world.unit, world.a)
    bank = UnitFactory(district=world.district, name="农商银行")
    organisation(bank, world.a)
    agreement(bank, world.a)
    school = UnitFactory(district=world.district, name="实验中学")
    agreement(school, world.a, ends_on=today() - timedelta(days=1))
    agreement(school, world.b, status="ended", ended_on=today() - timedelta(days=3))
    mall = UnitFactory(district=world.district, name="新象城商业广场")
    organisation(mall, world.a, left_on=today() - timedelta(days=1))
    power = UnitFactory(district=world.district, name="供电公司")
    agreement(power, world.b)
    return type("Units", (), {"hospital": world.unit, "bank": bank, "school": school,
                              "mall": mall, "power": power})


@pytest.fixture
def liaison(world):
    user = UserFactory(username="hospital_liaison")
    grant(user, "unit_liaison", world.unit)
    return user


@pytest.fixture
def power_liaison(units):
    user = UserFactory(username="power_liaison")
    grant(user, "unit_liaison", units.power)
    return user


def send(world, recipients, **extra):
    fields = {"title": "关于报送共建项目进展的通知", "text": "请各单位报送本季度共建情况。",
              "due_on": today() + timedelta(days=7), "reply_required": True}
    fields.update(extra)
    return services.notice_send(user=world.secretary_a, district=world.district,
                                sender_committee=world.a, recipients=recipients, **fields)


def receipt_of(notice, unit):
    return NoticeRecipient.objects.select_related("notice").get(notice=notice, unit=unit)


# --- whom a committee may address ------------------------------------------------------------

def test_the_committee_is_offered_exactly_the_units_it_works_with(world, units):
    offered = services.unit_choices(sender_committee=world.a)
    assert [u.name for u in offered] == ["农商银行", "运城市第一医院"]
    assert [u.name for u in services.unit_choices(sender_committee=world.b)] == ["供电公司"]


def test_the_committees_form_lists_its_branches_and_partner_units(world, units, login):
    page = login(world.secretary_a).get(
        url("committee-notice-create", world.a.pk)).content.decode()
    assert "学苑社区居民党支部" in page and "运城市第一医院" in page and "农商银行" in page
    assert page.count(f'name="units" value="{units.bank.pk}"') == 1
    for name in ("实验中学", "新象城商业广场", "供电公司"):
        assert name not in page
    # the district's notice stays to committees
    page = login(world.officer).get(
        url("district-notice-create", world.district.pk)).content.decode()
    assert 'name="units"' not in page and "运城市第一医院" not in page


def test_a_committee_sends_to_branches_and_units_and_their_liaisons_hear_of_it(
    world, units, liaison, login
):
    response = login(world.secretary_a).post(url("committee-notice-create", world.a.pk), {
        "title": "共建通知", "text": "请签收。", "recipients": [world.a_branch.pk],
        "units": [units.hospital.pk], "due_on": today().isoformat(),
    })
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    assert [(r.branch, r.unit) for r in notice.recipients.all()] == [
        (world.a_branch, None), (None, units.hospital)]
    note = Notification.objects.get(user=liaison)
    assert "共建通知" in note.text and note.url == notice.get_absolute_url()
    assert Notification.objects.filter(user=world.branch_secretary).count() == 1


def test_units_alone_are_enough(world, units, login):
    response = login(world.secretary_a).post(url("committee-notice-create", world.a.pk), {
        "title": "共建通知", "text": "请签收。", "units": [units.bank.pk],
        "due_on": today().isoformat(),
    })
    assert response.status_code == 302
    assert Notice.objects.get().recipients.get().unit == units.bank


def test_neither_branches_nor_units_is_refused_with_a_message(world, units, login):
    response = login(world.secretary_a).post(url("committee-notice-create", world.a.pk), {
        "title": "共建通知", "text": "请签收。", "due_on": today().isoformat(),
    })
    assert response.status_code == 400
    assert "Choose at least one recipient." in response.content.decode()
    assert not Notice.objects.exists()


@pytest.mark.parametrize("outsider", ["school", "mall", "power"])
def test_a_unit_it_does_not_work_with_is_refused_and_nothing_written(
    world, units, login, outsider
):
    response = login(world.secretary_a).post(url("committee-notice-create", world.a.pk), {
        "title": "共建通知", "text": "请签收。", "recipients": [world.a_branch.pk],
        "units": [units.hospital.pk, getattr(units, outsider).pk],
        "due_on": today().isoformat(),
    })
    assert response.status_code == 400
    assert "is not one of the available choices" in response.content.decode()
    assert not Notice.objects.exists() and not Notification.objects.exists()


def test_the_service_refuses_them_too(world, units):
    with pytest.raises(Exception, match="not yours to address"):
        send(world, [units.hospital, units.power])
    with pytest.raises(Exception, match="not yours to address"):  # the district: committees
        services.notice_send(user=world.officer, district=world.district, title="x", text="y",
                             due_on=today(), reply_required=False, recipients=[units.hospital])
    assert not Notice.objects.exists() and not NoticeRecipient.objects.exists()


def test_a_receipt_has_exactly_one_holder(world, units):
    from django.db import IntegrityError, transaction

    notice = send(world, [units.hospital])
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoticeRecipient.objects.create(notice=notice, unit=units.bank, branch=world.a_branch)
    with transaction.atomic(), pytest.raises(IntegrityError):
        NoticeRecipient.objects.create(notice=notice, unit=units.hospital)  # twice


# --- the liaison's side ----------------------------------------------------------------------

def test_the_liaison_sees_signs_and_replies(world, units, liaison, login, files):
    notice = send(world, [world.a_branch, units.hospital, units.bank])
    client = login(liaison)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "请各单位报送本季度共建情况。" in page and 'data-testid="sign"' in page
    assert page.count('data-testid="receipt"') == 1 and "运城市第一医院" in page
    assert 'data-testid="status"' not in page  # who else signed is the sender's
    listing = client.get(url("notice-list")).content.decode()
    assert listing.count('data-testid="received-notice"') == 1

    receipt = receipt_of(notice, units.hospital)
    assert client.post(url("receipt-sign", receipt.pk)).status_code == 302
    response = client.post(url("receipt-reply", receipt.pk),
                           {"text": "已开展义诊两次。", "files": [files.pdf("义诊.pdf")]})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.state == "replied" and receipt.signed_by == liaison
    file = receipt.replies.get().files.get()
    assert client.get(url("reply-file", file.reply_id, file.pk)).status_code == 200
    # the bank's receipt is the bank's
    other = receipt_of(notice, units.bank)
    assert client.post(url("receipt-sign", other.pk)).status_code == 404
    assert client.get(url("receipt-reply", other.pk)).status_code == 404


def test_another_units_liaison_and_another_committees_secretary_see_nothing(
    world, units, liaison, power_liaison, login, files
):
    notice = send(world, [units.hospital], files=[files.pdf()])
    reply = services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                                  text="医院的报送", files=[files.pdf("医院.pdf")])
    receipt = receipt_of(notice, units.hospital)
    for outsider in (power_liaison, world.secretary_b):
        client = login(outsider)
        for path in (notice.get_absolute_url(), url("receipt-reply", receipt.pk),
                     url("reply-return", reply.pk),
                     url("attachment-file", notice.pk, notice.attachments.get().pk),
                     url("reply-file", reply.pk, reply.files.get().pk)):
            assert client.get(path).status_code == 404, (outsider, path)
        assert client.post(url("receipt-sign", receipt.pk)).status_code == 404
        assert "关于报送共建项目进展的通知" not in client.get(url("notice-list")).content.decode()


def test_the_liaison_cannot_return_replies_or_export(world, units, liaison, login):
    notice = send(world, [units.hospital])
    reply = services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                                  text="已报送。")
    client = login(liaison)
    assert client.post(url("reply-return", reply.pk), {"reason": "x"}).status_code == 403
    assert client.get(url("notice-export", notice.pk)).status_code == 403


def test_the_sender_sees_the_unit_in_the_table_and_returns_its_reply(
    world, units, liaison, login
):
    notice = send(world, [world.a_branch, units.hospital])
    reply = services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                                  text="已报送。")
    client = login(world.secretary_a)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert page.count('data-testid="status-row"') == 2 and "运城市第一医院" in page
    assert client.post(url("reply-return", reply.pk), {"reason": "请附照片"}).status_code == 302
    assert receipt_of(notice, units.hospital).state == "returned"
    # the liaison is told why
    note = Notification.objects.get(user=liaison, key=f"notice-reply:{reply.pk}:returned")
    assert "请附照片" in note.text


def test_the_excel_names_the_unit(world, units, login):
    from io import BytesIO

    from openpyxl import load_workbook

    notice = send(world, [world.a_branch, units.hospital])
    response = login(world.secretary_a).get(url("notice-export", notice.pk))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == sorted(["学苑社区居民党支部", "运城市第一医院"])


def test_the_reminder_reaches_the_liaison_once(world, units, liaison):
    send(world, [units.hospital, units.bank], due_on=today() + timedelta(days=1))
    Notification.objects.all().delete()  # the notices of sending
    assert tasks.notice_reminders(today=today()) == 1  # the bank has no liaison
    assert tasks.notice_reminders(today=today()) == 0
    note = Notification.objects.get(user=liaison)
    assert "Sign off" in note.text


# --- the sender hears of replies -------------------------------------------------------------

def test_the_sender_is_told_of_each_reply_once(world, units, liaison):
    notice = send(world, [units.hospital])
    receipt = receipt_of(notice, units.hospital)
    first = services.reply_submit(recipient=receipt, user=liaison, text="已报送。")
    notes = Notification.objects.filter(user=world.secretary_a)
    assert [n.key for n in notes] == [f"notice-reply:{first.pk}:submitted"]
    assert "运城市第一医院" in notes.get().text and notice.title in notes.get().text
    assert notes.get().url == notice.get_absolute_url()
    services.reply_return(reply=first, user=world.secretary_a, reason="请补充")
    second = services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                                   text="已补充。")
    assert sorted(n.key for n in Notification.objects.filter(user=world.secretary_a)) == sorted(
        [f"notice-reply:{first.pk}:submitted", f"notice-reply:{second.pk}:submitted"])


def test_the_districts_officer_is_told_of_a_committees_reply(world):
    notice = services.notice_send(user=world.officer, district=world.district, title="区通知",
                                  text="请报送", due_on=today(), reply_required=True,
                                  recipients=[world.a])
    reply = services.reply_submit(recipient=notice.recipients.select_related("notice").get(),
                                  user=world.secretary_a, text="已报送")
    assert Notification.objects.filter(user=world.officer,
                                       key=f"notice-reply:{reply.pk}:submitted").exists()


@pytest.mark.parametrize("change", ["left", "inactive"])
def test_a_sender_who_left_or_is_inactive_is_not_told(world, units, liaison, change):
    notice = send(world, [units.hospital])
    if change == "left":  # no longer the committee's secretary: the notice is not theirs
        RoleAssignment.objects.filter(user=world.secretary_a).delete()
    else:
        world.secretary_a.is_active = False
        world.secretary_a.save(update_fields=["is_active"])
    services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                          text="已报送。")
    assert not Notification.objects.filter(user=world.secretary_a).exists()


# --- the liaison's landing: their unit's page ------------------------------------------------

def test_the_unit_page_shows_the_notices_waiting_for_its_liaison(
    world, units, liaison, power_liaison, login
):
    notice = send(world, [units.hospital], title="待签收的共建通知")
    page = login(liaison).get(units.hospital.get_absolute_url()).content.decode()
    assert 'data-testid="notices-waiting"' in page and "待签收的共建通知" in page
    assert notice.get_absolute_url() in page
    # nobody else's card: not the sender, not the district, not another unit's liaison
    for user in (world.secretary_a, world.officer, power_liaison):
        page = login(user).get(units.hospital.get_absolute_url()).content.decode()
        assert 'data-testid="notices-waiting"' not in page, user
    # answered, it waits no more
    services.reply_submit(recipient=receipt_of(notice, units.hospital), user=liaison,
                          text="已报送。")
    page = login(liaison).get(units.hospital.get_absolute_url()).content.decode()
    assert 'data-testid="notices-waiting"' not in page


def test_the_selectors_keep_their_signatures(world, units, liaison):
    from notices import selectors

    send(world, [units.hospital, world.a_branch])
    assert selectors.received(liaison, unit=units.hospital, waiting_only=True).count() == 1
    assert selectors.received(liaison, branch=world.a_branch).count() == 0
    assert len(selectors.waiting_card(liaison, unit=units.hospital)["receipts"]) == 1
    assert selectors.waiting_card(liaison, unit=units.bank) == {"receipts": []}
    assert len(selectors.waiting_card(world.branch_secretary, branch=world.a_branch)[
        "receipts"]) == 1


# Session, user, roles, member (scope); the unit; the write check; its organisation; its
# liaisons; the notices card (one query, for a liaison only); the ledger card. As pinned in
# tests/units/test_unit_pages.py, which counts the card for the liaison.
def test_the_unit_page_with_the_card_spends_the_same_queries_at_two_sizes(
    world, units, liaison, login, django_assert_num_queries
):
    from tests.units.test_unit_pages import UNIT_PAGE_QUERIES

    client = login(liaison)
    send(world, [units.hospital])
    with django_assert_num_queries(UNIT_PAGE_QUERIES["liaison"] + session_queries()):
        small = client.get(units.hospital.get_absolute_url())
    for i in range(8):
        send(world, [units.hospital], title=f"通知{i}")
    with django_assert_num_queries(UNIT_PAGE_QUERIES["liaison"] + session_queries()):
        large = client.get(units.hospital.get_absolute_url())
    assert small.content.decode().count('data-testid="waiting-notice"') == 1
    assert large.content.decode().count('data-testid="waiting-notice"') == 5
