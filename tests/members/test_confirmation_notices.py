"""The bell for a member's 报到, registration (注册) and transfer: the member hears when the
committee confirms or returns, the committee's side hears when a member asks; the other
committee, and anyone whose action was refused, hear nothing."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from core.models import Notification
from members import checkins, records, signups
from members.models import CheckIn, SignUp, SignUpStatus
from tests.factories import BranchFactory, MemberFactory, UserFactory, grant
from tests.members.test_signups import NEW_ID, form


def bell(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def in_service_member(committee, *, user=None, name="李在职"):
    return MemberFactory(committee=committee, branch=None, name=name, category="in_service",
                         outside_organisation="运城市第一医院党委", user=user)


@pytest.fixture
def staff_a(world):
    staff = UserFactory(username="staff_a", email="staff_a@example.cn")
    grant(staff, "committee_staff", world.a)
    return staff


@pytest.fixture
def asker(world):
    """An in-service member with an account, living in B's area, asking A."""
    return in_service_member(world.b, user=UserFactory(username="asker"))


def queue(committee) -> str:
    return reverse("members:checkin-queue", args=[committee.pk])


# --- 报到 --------------------------------------------------------------------------------

class TestCheckIn:
    def test_a_request_tells_the_committees_side_once_each(self, world, asker, staff_a):
        checkin = checkins.checkin_request(member=asker, committee=world.a)
        for user in (world.secretary_a, staff_a):
            [note] = bell(user)
            assert note.key == f"checkin:{checkin.pk}:requested"
            assert note.url == queue(world.a)
            assert asker.name in note.text and world.a.name in note.text
        assert bell(world.secretary_b) == [] and bell(asker.user) == []
        assert bell(world.officer) == [] and bell(world.branch_secretary) == []

    def test_a_refused_request_tells_no_one(self, world):
        with pytest.raises(ValidationError):  # 郑优芳's membership is in A's own branch
            checkins.checkin_request(member=world.a_member, committee=world.a)
        assert not Notification.objects.exists()

    def test_confirming_tells_the_member_where_they_see_it(self, client, world, asker):
        checkin = checkins.checkin_request(member=asker, committee=world.a)
        client.force_login(world.secretary_a)
        client.post(reverse("members:checkin-confirm", kwargs={"pk": checkin.pk}))
        [note] = bell(asker.user)
        assert note.key == f"checkin:{checkin.pk}:confirmed"
        assert note.url == reverse("members:me") and world.a.name in note.text
        assert len(bell(world.secretary_a)) == 1  # the request only

        with pytest.raises(ValidationError):  # confirming twice is refused, and silent
            checkins.checkin_confirm(checkin=checkin, user=world.secretary_a)
        assert len(bell(asker.user)) == 1

    def test_returning_tells_the_member_why(self, client, world, asker):
        checkin = checkins.checkin_request(member=asker, committee=world.a)
        client.force_login(world.secretary_a)
        url = reverse("members:checkin-return", kwargs={"pk": checkin.pk})
        client.post(url, {"reason": "  "})  # refused: no reason
        assert bell(asker.user) == []
        client.post(url, {"reason": "不在本社区居住"})
        [note] = bell(asker.user)
        assert note.key == f"checkin:{checkin.pk}:returned"
        assert "不在本社区居住" in note.text and world.a.name in note.text
        assert note.url == reverse("members:me")

    def test_asking_again_after_a_return_is_a_new_request_and_a_new_notice(self, world, asker):
        first = checkins.checkin_request(member=asker, committee=world.a)
        checkins.checkin_return(checkin=first, user=world.secretary_a, reason="地址不详")
        second = checkins.checkin_request(member=asker, committee=world.a)
        checkins.checkin_return(checkin=second, user=world.secretary_a, reason="仍不详")
        assert [n.key for n in bell(world.secretary_a)] == [
            f"checkin:{first.pk}:requested", f"checkin:{second.pk}:requested"]
        assert ["地址不详" in n.text for n in bell(asker.user)] == [True, False]
        assert len(bell(asker.user)) == 2

    def test_a_member_without_an_account_is_confirmed_silently(self, world):
        member = in_service_member(world.b, name="王无号")
        checkin = checkins.checkin_request(member=member, committee=world.a)
        checkins.checkin_confirm(checkin=checkin, user=world.secretary_a)
        assert CheckIn.objects.get(pk=checkin.pk).status == "confirmed"
        assert Notification.objects.exclude(user=world.secretary_a).count() == 0

    def test_a_deactivated_secretary_or_member_hears_nothing(self, world, asker):
        world.secretary_a.is_active = False
        world.secretary_a.save()
        asker.user.is_active = False
        asker.user.save()
        checkin = checkins.checkin_request(member=asker, committee=world.a)
        checkins.checkin_confirm(checkin=checkin, user=world.officer)
        assert not Notification.objects.exists()

    def test_the_member_is_emailed_once_the_decision_commits(
        self, world, asker, django_capture_on_commit_callbacks
    ):
        asker.user.email = "li@example.cn"
        asker.user.save()
        checkin = checkins.checkin_request(member=asker, committee=world.a)
        with django_capture_on_commit_callbacks(execute=True):
            checkins.checkin_return(checkin=checkin, user=world.secretary_a, reason="地址不详")
        [sent] = mail.outbox
        assert sent.to == ["li@example.cn"]
        assert "地址不详" in sent.body and reverse("members:me") in sent.body

    def test_the_secretary_with_an_address_is_emailed(
        self, world, asker, staff_a, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            checkins.checkin_request(member=asker, committee=world.a)
        assert [m.to for m in mail.outbox] == [["staff_a@example.cn"]]  # secretary_a: none


# --- registration (注册) -----------------------------------------------------------------

def registered(client, world, **changes) -> SignUp:
    assert client.post(reverse("members:signup"), form(world, **changes)).status_code == 302
    return SignUp.objects.get()


class TestRegistration:
    def test_a_new_registration_tells_the_committees_side(self, client, world, staff_a):
        signup = registered(client, world)
        for user in (world.secretary_a, staff_a):
            [note] = bell(user)
            assert note.key == f"signup:{signup.pk}:sent"
            assert note.url == queue(world.a) and "李志强" in note.text
        assert bell(world.secretary_b) == [] and bell(signup.user) == []

    def test_a_refused_registration_tells_no_one(self, client, world):
        world.a_member.id_number = NEW_ID
        world.a_member.save()
        assert client.post(reverse("members:signup"), form(world)).status_code == 400
        assert not Notification.objects.exists()

    def test_approving_tells_the_registrant(self, client, world):
        signup = registered(client, world)
        client.force_login(world.secretary_a)
        client.post(reverse("members:signup-approve", kwargs={"pk": signup.pk}))
        [note] = bell(signup.user)
        assert note.key == f"signup:{signup.pk}:approved"
        assert note.url == reverse("members:me") and world.a.name in note.text
        client.post(reverse("members:signup-approve", kwargs={"pk": signup.pk}))  # refused
        assert len(bell(signup.user)) == 1

    def test_the_other_committee_cannot_decide_and_nobody_hears(self, client, world):
        signup = registered(client, world)
        client.force_login(world.secretary_b)
        client.post(reverse("members:signup-return", kwargs={"pk": signup.pk}),
                    {"reason": "不是本社区"})
        assert SignUp.objects.get().status == SignUpStatus.PENDING
        assert bell(signup.user) == []

    def test_each_return_and_each_resubmission_is_told(self, client, world):
        signup = registered(client, world)
        user = signup.user
        signups.signup_return(signup=signup, user=world.secretary_a, reason="组织关系名称不完整")
        signups.signup_resubmit(signup=signup, name="李志强", id_number=NEW_ID,
                                committee=world.a, category="in_service",
                                organisation="运城市直机关工委机关党委")
        signups.signup_return(signup=signup, user=world.secretary_a, reason="请写全称")
        signups.signup_resubmit(signup=signup, name="李志强", id_number=NEW_ID,
                                committee=world.b, category="in_service",
                                organisation="中共运城市直属机关工作委员会")
        returned = bell(user)
        assert len(returned) == 2 and len({n.key for n in returned}) == 2
        assert "组织关系名称不完整" in returned[0].text and "请写全称" in returned[1].text
        assert all(n.url == reverse("members:me") for n in returned)
        # A heard the first sending and the first resubmission; the second went to B.
        assert len(bell(world.secretary_a)) == 2
        [to_b] = bell(world.secretary_b)
        assert to_b.url == queue(world.b) and world.b.name in to_b.text

    def test_resubmitting_what_is_not_returned_is_refused_and_silent(self, client, world):
        signup = registered(client, world)
        with pytest.raises(ValidationError):
            signups.signup_resubmit(signup=signup, name="李志强", id_number=NEW_ID,
                                    committee=world.a, category="in_service", organisation="x")
        assert len(bell(world.secretary_a)) == 1


# --- transfer ----------------------------------------------------------------------------

class TestTransfer:
    def test_the_member_hears_where_their_membership_went(self, client, world):
        records.member_transfer(member=world.a_member, to_branch=world.a_retirees,
                                on=date(2026, 3, 1), reason="退休", user=world.secretary_a)
        [note] = bell(world.member_user)
        assert world.a_retirees.name in note.text and "2026-03-01" in note.text
        assert note.url == world.a_member.get_absolute_url()
        client.force_login(world.member_user)
        assert client.get(note.url).status_code == 200  # they may open it
        assert bell(world.secretary_a) == []

    def test_a_refused_transfer_tells_no_one(self, world):
        with pytest.raises(ValidationError):
            records.member_transfer(member=world.a_member, to_branch=world.a_branch,
                                    on=timezone.localdate(), reason="同一支部",
                                    user=world.secretary_a)
        assert not Notification.objects.exists()

    def test_two_transfers_are_two_notices(self, world):
        other = BranchFactory(committee=world.b, name="御沁园第二党支部")
        for branch in (world.b_branch, other):
            records.member_transfer(member=world.a_member, to_branch=branch,
                                    on=timezone.localdate(), reason="搬家",
                                    user=world.officer)
        assert len(bell(world.member_user)) == 2


# --- the words ---------------------------------------------------------------------------

CHINESE = {
    "%(committee)s confirmed your check-in.": "报到",
    "%(name)s asks to check in to %(committee)s: confirm or return it.": "报到",
    "Your membership was transferred to %(branch)s on %(date)s.": "组织关系",
}
CHINESE_REGISTRATION = {
    "%(committee)s approved your sign-up.": "注册",
    "%(name)s signed up to %(committee)s: approve or return it.": "注册",
}


def _translated() -> bool:
    with translation.override("zh-hans"):
        return all(gettext(m) != m for m in CHINESE) and all(
            pgettext("self-registration", m) != m for m in CHINESE_REGISTRATION)


@pytest.mark.skipif(not _translated(), reason="the Chinese of these texts is not merged yet")
def test_the_texts_say_报到_注册_and_组织关系_not_签到_or_报名(client, world, asker):
    checkin = checkins.checkin_request(member=asker, committee=world.a)
    checkins.checkin_confirm(checkin=checkin, user=world.secretary_a)
    registered(client, world)
    texts = [n.text for n in Notification.objects.order_by("pk")]
    assert "报到" in texts[0] and "报到" in texts[1] and "注册" in texts[2]
    assert not any("签到" in t or "报名" in t for t in texts)
