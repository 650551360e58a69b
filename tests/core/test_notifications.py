"""The bell: notifications made once per key, the unread count in the navigation bar, the
list of one's own notifications, opening one (local links only) and marking all read."""

import re
from unittest import mock

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.notify import notify
from tests.conftest import session_queries
from tests.factories import UserFactory

LIST = reverse("core:notification-list")


def open_url(notification):
    return reverse("core:notification-open", args=[notification.pk])


def unread_badge(response):
    match = re.search(r'data-testid="unread-count">(\d+)<', response.content.decode())
    return int(match[1]) if match else None


# --- notify ----------------------------------------------------------------------------------

def test_notify_makes_one_notification_per_user_and_key(world):
    first, created = notify(user=world.secretary_a, key="k1", text="开例会", url="/x/")
    again, created_again = notify(user=world.secretary_a, key="k1", text="changed")
    other, _ = notify(user=world.secretary_b, key="k1", text="开例会")
    assert created and not created_again
    assert again.pk == first.pk and again.text == "开例会"
    assert other.pk != first.pk
    assert Notification.objects.count() == 2


def test_notify_survives_a_race_on_the_unique_key(world):
    existing = Notification.objects.create(user=world.secretary_a, key="k", text="t")
    with mock.patch.object(Notification.objects, "get_or_create",
                           side_effect=IntegrityError("notification_once_per_key")):
        notification, created = notify(user=world.secretary_a, key="k", text="t")
    assert notification.pk == existing.pk and not created


def test_a_long_text_is_shortened(world):
    notification, _ = notify(user=world.secretary_a, key="long", text="议" * 400)
    assert len(notification.text) == 300 and notification.text.endswith("…")


# --- the bell --------------------------------------------------------------------------------

def test_the_bell_shows_the_unread_count(login, world):
    for n in range(3):
        Notification.objects.create(user=world.secretary_a, key=f"k{n}", text=f"提醒{n}")
    Notification.objects.create(user=world.secretary_a, key="read", text="已读",
                                read_at=timezone.now())
    Notification.objects.create(user=world.secretary_b, key="other", text="别人的")

    response = login(world.secretary_a).get(reverse("overview:home"), follow=True)

    assert unread_badge(response) == 3
    assert f'href="{LIST}"' in response.content.decode()


def test_no_badge_without_unread_notifications(login, world):
    response = login(world.secretary_a).get(LIST)
    assert 'data-testid="bell"' in response.content.decode()
    assert unread_badge(response) is None


def test_an_anonymous_page_has_no_bell_and_no_count_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("login"))
    assert 'data-testid="bell"' not in response.content.decode()


# --- the list --------------------------------------------------------------------------------

def test_the_list_shows_ones_own_notifications_unread_first(login, world):
    Notification.objects.create(user=world.secretary_a, key="a", text="已读的提醒",
                                read_at=timezone.now())
    Notification.objects.create(user=world.secretary_a, key="b", text="未读的提醒")
    Notification.objects.create(user=world.secretary_b, key="c", text="御沁园的提醒")

    response = login(world.secretary_a).get(LIST)
    page = response.content.decode()

    assert response.status_code == 200
    assert "御沁园的提醒" not in page
    assert page.index("未读的提醒") < page.index("已读的提醒")
    assert "list-group-item-warning" in page.split("未读的提醒")[0].rsplit("<a", 1)[1]


def test_the_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login" in response.url


def test_the_list_is_paginated_by_twenty(login, world):
    Notification.objects.bulk_create(
        Notification(user=world.secretary_a, key=f"k{n}", text=f"提醒{n}") for n in range(25)
    )
    response = login(world.secretary_a).get(LIST)
    assert len(response.context["page"].object_list) == 20
    assert "?page=2" in response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_costs_the_same_at_any_size(login, world, django_assert_num_queries, n):
    Notification.objects.bulk_create(
        Notification(user=world.secretary_a, key=f"k{i}", text=f"提醒{i}") for i in range(n)
    )
    client = login(world.secretary_a)
    # user, scope (roles, member and the bell in one), the paginator's count, the page, + the
    # session
    with django_assert_num_queries(4 + session_queries()):
        client.get(LIST)


# --- opening one -----------------------------------------------------------------------------

def test_opening_a_notification_marks_it_read_and_follows_its_link(login, world):
    note = Notification.objects.create(user=world.secretary_a, key="k", text="t",
                                       url="/committees/1/compliance/?year=2026")
    response = login(world.secretary_a).get(open_url(note))
    assert response.status_code == 302
    assert response.url == "/committees/1/compliance/?year=2026"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize("url", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example", "javascript:x",
    "",
])
def test_opening_refuses_a_link_off_the_site(login, world, url):
    note = Notification.objects.create(user=world.secretary_a, key="k", text="t", url=url)
    response = login(world.secretary_a).get(open_url(note))
    assert response.status_code == 302 and response.url == LIST
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(login, world):
    note = Notification.objects.create(user=world.secretary_a, key="k", text="t", url="/")
    assert login(world.secretary_b).get(open_url(note)).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_needs_a_login(client, world):
    note = Notification.objects.create(user=world.secretary_a, key="k", text="t", url="/")
    assert client.get(open_url(note)).status_code == 302
    note.refresh_from_db()
    assert note.read_at is None


# --- marking all read ------------------------------------------------------------------------

def test_marking_all_read_touches_only_ones_own(login, world):
    Notification.objects.create(user=world.secretary_a, key="a", text="t")
    Notification.objects.create(user=world.secretary_a, key="b", text="t")
    Notification.objects.create(user=world.secretary_b, key="c", text="t")

    response = login(world.secretary_a).post(reverse("core:notification-read-all"))

    assert response.status_code == 302 and response.url == LIST
    assert not Notification.objects.filter(user=world.secretary_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.secretary_b, read_at__isnull=True).exists()


def test_marking_all_read_is_a_post(login, world):
    Notification.objects.create(user=world.secretary_a, key="a", text="t")
    response = login(world.secretary_a).get(reverse("core:notification-read-all"))
    assert response.status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_user_without_notifications_sees_an_empty_state(login, db):
    user = UserFactory(username="lonely")
    response = login(user).get(LIST)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
