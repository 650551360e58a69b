"""The Django admin lists meetings and matters for the superuser (and no one else). The admin
asks for a session verified by a second factor (core/admin_site.py): the superuser signs in
through the code step."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in_with_code
from tests.factories import MatterFactory, MeetingFactory, UserFactory


@pytest.mark.parametrize("model", ["meeting", "matter"])
def test_the_superuser_lists_and_opens_them(client, world, model):
    record = (MeetingFactory if model == "meeting" else MatterFactory)(committee=world.a)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    sign_in_with_code(client, admin)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    assert client.get(
        reverse(f"admin:meetings_{model}_change", args=[record.pk])).status_code == 200


def test_a_secretary_is_sent_to_the_admin_login(client, world):
    client.force_login(world.secretary_a)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", ["meeting", "matter"])
def test_the_admin_changes_and_deletes_nothing(client, world, model):
    """Writes go through the services (locks, signed-off minutes, audit)."""
    record = (MeetingFactory if model == "meeting" else MatterFactory)(committee=world.a)
    sign_in_with_code(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse(f"admin:meetings_{model}_change", args=[record.pk]))
    assert 'name="_save"' not in page.content.decode()
    assert client.post(reverse(f"admin:meetings_{model}_change", args=[record.pk]),
                       {}).status_code == 403
    assert client.post(reverse(f"admin:meetings_{model}_delete", args=[record.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()
