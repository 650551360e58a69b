"""The Django admin lists meetings and matters for the superuser (and no one else)."""

import pytest
from django.urls import reverse

from tests.factories import MatterFactory, MeetingFactory, UserFactory


@pytest.mark.parametrize("model", ["meeting", "matter"])
def test_the_superuser_lists_and_opens_them(client, world, model):
    record = (MeetingFactory if model == "meeting" else MatterFactory)(committee=world.a)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    assert client.get(
        reverse(f"admin:meetings_{model}_change", args=[record.pk])).status_code == 200


def test_a_secretary_is_sent_to_the_admin_login(client, world):
    client.force_login(world.secretary_a)
    response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
