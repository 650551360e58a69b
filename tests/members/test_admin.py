"""The Django admin's member list searches as the roster does (issue 16 measures the two side
by side): part of a name, initials or pinyin, the mobile's last four digits; never the ID
number."""

import pytest
from django.urls import reverse

from members.services import derive_member_fields
from tests.conftest import sign_in_with_code
from tests.factories import MemberFactory, UserFactory


@pytest.fixture
def admin_client(client, world):
    sign_in_with_code(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("text", ["优芳", "zyf", "zhengyou", "5678"])
def test_the_admin_finds_a_member_as_the_roster_does(admin_client, world, text):
    for name, mobile in [("郑优芳", "13912345678"), ("王建国", "13900001111")]:
        member = MemberFactory(committee=world.a, name=name, mobile=mobile)
        derive_member_fields(member)  # pinyin, initials, mobile tail: as the services save
        member.save()
    page = admin_client.get(reverse("admin:members_member_changelist"), {"q": text})
    body = page.content.decode()
    assert page.status_code == 200
    assert "郑优芳" in body and "王建国" not in body


def test_the_admin_does_not_search_by_id_number(admin_client, world):
    member = MemberFactory(committee=world.a, name="郑优芳", id_number="140802199001011237")
    derive_member_fields(member)
    member.save()
    page = admin_client.get(reverse("admin:members_member_changelist"),
                            {"q": "011237"})
    assert "郑优芳" not in page.content.decode()
