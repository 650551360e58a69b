"""The bell for an activity sign-up (报名): a member hears when they move up from the waiting
list, and when the committee's side cancels their sign-up; cancelling one's own sign-up, or a
refused cancellation, tells no one."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from activities import attendance, services
from activities.models import Activity, SignupState
from core.models import Notification
from tests.factories import ActivityFactory, MemberFactory, UserFactory

PROMOTED = "A place freed up for “%(title)s” (%(starts)s): you are signed up now."
CANCELLED = "%(committee)s cancelled your sign-up for “%(title)s”."


def people(world, n):
    return [MemberFactory(committee=world.a, branch=world.a_branch, name=f"党员{i}",
                          user=UserFactory(username=f"p{i}")) for i in range(n)]


def bell(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


@pytest.fixture
def full(world):
    """Capacity two: two places taken, two on the waiting list."""
    activity = ActivityFactory(committee=world.a, capacity=2, title="敬老院义诊")
    members = people(world, 4)
    signups = [attendance.signup(activity=activity, member=m) for m in members]
    assert [s.state for s in signups] == [SignupState.REGISTERED] * 2 + [SignupState.WAITING] * 2
    return activity, members, signups


def test_signing_up_tells_no_one(full):
    assert not Notification.objects.exists()  # the page says at once what happened


def test_the_first_waiting_hears_when_a_place_frees(full):
    activity, members, signups = full
    attendance.signup_cancel(signup=signups[0], user=members[0].user)  # their own: silent
    [note] = Notification.objects.all()
    assert note.user == members[2].user and note.key == f"activity-signup:{signups[2].pk}:promoted"
    assert note.url == activity.get_absolute_url() == reverse(
        "activities:activity-detail", args=[activity.pk])
    assert "敬老院义诊" in note.text
    assert timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M") in note.text


def test_a_cancellation_by_the_committee_tells_the_member_and_the_one_moving_up(world, full):
    activity, members, signups = full
    attendance.signup_cancel(signup=signups[1], user=world.secretary_a)
    [cancelled] = bell(members[1].user)
    assert cancelled.key == f"activity-signup:{signups[1].pk}:cancelled"
    assert world.a.name in cancelled.text and "敬老院义诊" in cancelled.text
    assert cancelled.url == activity.get_absolute_url()
    assert len(bell(members[2].user)) == 1 and bell(members[3].user) == []
    assert Notification.objects.count() == 2


def test_a_refused_cancellation_tells_no_one(world, full):
    _activity, _members, signups = full
    attendance.signup_cancel(signup=signups[3], user=world.secretary_a)  # waiting: frees nothing
    assert Notification.objects.count() == 1
    with pytest.raises(ValidationError):
        attendance.signup_cancel(signup=signups[3], user=world.secretary_a)
    assert Notification.objects.count() == 1


def test_raising_the_capacity_tells_each_one_moving_up_once(world, full):
    activity, members, signups = full
    activity.capacity = 5
    services.activity_save(activity=activity, user=world.secretary_a)
    assert [n.user for n in Notification.objects.order_by("pk")] == [
        members[2].user, members[3].user]
    activity.refresh_from_db()
    assert attendance.fill_places(activity) == 0  # again: nothing moves, nobody hears twice
    assert Notification.objects.count() == 2


def test_a_member_without_an_account_moves_up_silently(world):
    activity = ActivityFactory(committee=world.a, capacity=1)
    first = attendance.signup(activity=activity, member=world.a_member)
    quiet = MemberFactory(committee=world.a, branch=world.a_branch, user=None)
    waiting = attendance.signup(activity=activity, member=quiet)
    attendance.signup_cancel(signup=first, user=world.member_user)
    assert Activity.objects.get(pk=activity.pk).signed_up == 1
    assert waiting.__class__.objects.get(pk=waiting.pk).state == SignupState.REGISTERED
    assert not Notification.objects.exists()


def test_the_one_moving_up_is_emailed_on_commit(world, full, django_capture_on_commit_callbacks):
    _activity, members, signups = full
    members[2].user.email = "dangyuan2@example.cn"
    members[2].user.save()
    with django_capture_on_commit_callbacks(execute=True):
        attendance.signup_cancel(signup=signups[0], user=members[0].user)
    [sent] = mail.outbox
    assert sent.to == ["dangyuan2@example.cn"] and "敬老院义诊" in sent.body


def test_the_staff_cancelling_through_the_list_page_tells_the_member(client, world, full):
    activity, members, signups = full
    client.force_login(world.secretary_a)
    client.post(reverse("activities:signup-cancel", args=[activity.pk]),
                {"signup": signups[0].pk})
    assert [n.key for n in bell(members[0].user)] == [
        f"activity-signup:{signups[0].pk}:cancelled"]


def _translated() -> bool:
    with translation.override("zh-hans"):
        return all(pgettext("activity sign-up", m) != m for m in (PROMOTED, CANCELLED))


@pytest.mark.skipif(not _translated(), reason="the Chinese of these texts is not merged yet")
def test_the_texts_say_报名_not_报到_or_注册(world, full):
    _activity, _members, signups = full
    attendance.signup_cancel(signup=signups[0], user=world.secretary_a)
    texts = [n.text for n in Notification.objects.all()]
    assert len(texts) == 2 and all("报名" in t for t in texts)
    assert not any("报到" in t or "注册" in t for t in texts)
