"""Check-in (报到): request, confirm, return, moving house, the QR poster, the constraint."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from members.checkins import committee_from_token, poster_token
from members.models import CheckIn, CheckInStatus


def my_checkin(client, committee):
    return client.post(reverse("members:my-checkin"), {"committee": committee.pk})


def pending(world):
    return CheckIn.objects.get(member=world.a_member, status=CheckInStatus.PENDING)


def test_a_member_checks_in_and_the_secretary_confirms(client, world):
    client.force_login(world.member_user)
    response = my_checkin(client, world.b)
    assert response.status_code == 302
    me = client.get(reverse("members:me")).content.decode()
    assert "等待" in me and world.b.name in me

    client.force_login(world.secretary_b)
    queue = client.get(reverse("members:checkin-queue", kwargs={"pk": world.b.pk}))
    assert world.a_member.name in queue.content.decode()
    checkin = pending(world)
    client.post(reverse("members:checkin-confirm", kwargs={"pk": checkin.pk}))

    checkin.refresh_from_db()
    world.a_member.refresh_from_db()
    assert checkin.status == CheckInStatus.CONFIRMED and checkin.started_on is not None
    assert checkin.decided_by == world.secretary_b
    assert world.a_member.committee == world.b  # where they live now
    # B's secretary now holds the member; their membership branch (in A) is unchanged.
    assert client.get(world.a_member.get_absolute_url()).status_code == 200
    assert (world.a_member.branch, world.a_member.party_group) == (world.a_branch, world.a_group)


def test_returning_needs_a_reason_and_the_member_sees_it(client, world):
    client.force_login(world.member_user)
    my_checkin(client, world.b)
    checkin = pending(world)
    client.force_login(world.secretary_b)
    url = reverse("members:checkin-return", kwargs={"pk": checkin.pk})
    client.post(url, {"reason": "  "})
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.PENDING
    client.post(url, {"reason": "不在本社区居住"})
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.RETURNED
    client.force_login(world.member_user)
    assert "不在本社区居住" in client.get(reverse("members:me")).content.decode()


def test_a_second_request_while_one_waits_is_refused(client, world):
    client.force_login(world.member_user)
    my_checkin(client, world.b)
    response = my_checkin(client, world.a)
    assert response.status_code == 302
    assert CheckIn.objects.filter(member=world.a_member).count() == 1


def test_moving_house_ends_the_old_check_in_and_keeps_its_dates(client, world):
    old = CheckIn.objects.create(
        member=world.a_member, committee=world.a, status=CheckInStatus.CONFIRMED,
        started_on="2024-01-01",
    )
    client.force_login(world.member_user)
    my_checkin(client, world.b)
    old.refresh_from_db()
    assert old.status == CheckInStatus.ENDED and old.ended_on is not None
    assert pending(world).committee == world.b


def test_the_database_allows_one_active_check_in_per_member(world):
    CheckIn.objects.create(member=world.a_member, committee=world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(
            member=world.a_member, committee=world.b, status=CheckInStatus.CONFIRMED
        )
    # ended and returned ones do not count
    CheckIn.objects.create(member=world.a_member, committee=world.b, status=CheckInStatus.ENDED,
                           end_reason="moved_away")


@pytest.mark.parametrize("persona", ["secretary_a", "member_user", "branch_secretary"])
def test_only_the_checked_in_committee_decides(client, world, persona):
    client.force_login(world.member_user)
    my_checkin(client, world.b)
    checkin = pending(world)
    client.force_login(getattr(world, persona))
    response = client.post(reverse("members:checkin-confirm", kwargs={"pk": checkin.pk}))
    assert response.status_code in (403, 404)
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.PENDING


def test_the_poster_carries_a_signed_link_and_no_personal_data(client, world):
    client.force_login(world.secretary_a)
    page = client.get(reverse("members:checkin-poster", kwargs={"pk": world.a.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    # The token is signed with a timestamp (not checked: posters hang for years), so it is
    # read back rather than made again, which may fall in another second.
    tokens = set(re.findall(r"/checkin/([^/\"]+)/", html))
    assert tokens and {committee_from_token(t) for t in tokens} == {world.a.pk}
    assert world.a_member.name not in html


def test_scanning_the_poster_checks_the_member_in(client, world):
    client.force_login(world.member_user)
    url = reverse("members:checkin-scan", kwargs={"token": poster_token(world.b)})
    assert world.b.name in client.get(url).content.decode()
    client.post(url)
    assert pending(world).committee == world.b


def test_a_forged_or_altered_poster_link_is_not_found(client, world):
    client.force_login(world.member_user)
    token = poster_token(world.a)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (forged, "1", "abc:def"):
        response = client.get(reverse("members:checkin-scan", kwargs={"token": bad}))
        assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_scanning_signed_out_leads_to_sign_in_and_back(client, world):
    url = reverse("members:checkin-scan", kwargs={"token": poster_token(world.a)})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=" in response.url


def test_the_roster_filters_members_checked_in_here(client, world):
    from tests.factories import MemberFactory

    other = MemberFactory(committee=world.a, branch=world.a_branch, name="钱学明")
    CheckIn.objects.create(
        member=world.a_member, committee=world.a, status=CheckInStatus.CONFIRMED,
        started_on="2024-03-01",
    )
    client.force_login(world.secretary_a)
    url = reverse("members:committee-roster", kwargs={"pk": world.a.pk})
    yes = client.get(url, {"checked_in": "yes"}).content.decode()
    no = client.get(url, {"checked_in": "no"}).content.decode()
    assert world.a_member.name in yes and other.name not in yes
    assert other.name in no and world.a_member.name not in no
