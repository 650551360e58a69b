"""Membership (组织关系) sits with a branch, never with a party group: a member belongs to a
branch and, within it, optionally to one of its groups. Moving between groups of a branch is an
edit; a change of branch is always a transfer."""

import html

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext

from members.models import Member, Transfer
from tests.factories import BranchFactory, MemberFactory


def text(response):
    return html.unescape(response.content.decode())


def edit_url(member):
    return reverse("members:member-update", kwargs={"pk": member.pk})


def register_url(committee):
    return reverse("members:member-create", kwargs={"committee_pk": committee.pk})


def edit_data(member, **changes):
    data = {
        "name": member.name, "ethnicity": "汉族", "mobile": "", "address": "学苑小区1号楼",
        "joined_on": "", "full_member_on": "", "status": "full", "category": "resident",
        "party_group": member.party_group_id or "", "employer_unit": "", "employer_name": "",
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English, so assertions read like the messages in the code."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def second_group(world):
    return BranchFactory(committee=world.a, parent=world.a_branch, name="学苑居民第二党小组")


def test_the_edit_form_does_not_change_the_branch(client, world):
    client.force_login(world.secretary_a)

    form = client.get(edit_url(world.a_member)).context["form"]
    response = client.post(edit_url(world.a_member),
                           edit_data(world.a_member, branch=world.a_retirees.pk))

    assert "branch" not in form.fields
    assert response.status_code == 302
    world.a_member.refresh_from_db()
    assert world.a_member.branch == world.a_branch  # a change of branch is a transfer
    assert not Transfer.objects.exists()


def test_moving_between_groups_of_the_branch_is_an_edit(client, world, second_group):
    client.force_login(world.secretary_a)

    offered = set(client.get(edit_url(world.a_member)).context["form"]
                  .fields["party_group"].queryset)
    response = client.post(edit_url(world.a_member),
                           edit_data(world.a_member, party_group=second_group.pk))

    assert offered == {world.a_group, second_group}
    assert response.status_code == 302
    world.a_member.refresh_from_db()
    assert (world.a_member.branch, world.a_member.party_group) == (world.a_branch, second_group)
    assert not Transfer.objects.exists()
    page = text(client.get(world.a_member.get_absolute_url()))
    assert "学苑社区居民党支部" in page and "学苑居民第二党小组" in page


def test_a_group_of_another_branch_is_refused(client, world):
    other = BranchFactory(committee=world.a, parent=world.a_retirees, name="离退休第一党小组")
    client.force_login(world.secretary_a)

    response = client.post(edit_url(world.a_member),
                           edit_data(world.a_member, party_group=other.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["party_group"]
    world.a_member.refresh_from_db()
    assert world.a_member.party_group == world.a_group


def test_registering_offers_branches_and_places_the_member_in_a_group(client, world):
    client.force_login(world.secretary_a)
    data = {
        "name": "李卫红", "id_number": "110101199003074573", "ethnicity": "汉族", "mobile": "",
        "address": "", "joined_on": "", "full_member_on": "", "status": "full",
        "category": "resident", "branch": world.a_branch.pk, "party_group": world.a_group.pk,
        "outside_organisation": "", "employer_unit": "", "employer_name": "",
    }

    branches = set(client.get(register_url(world.a)).context["form"].fields["branch"].queryset)
    as_group = client.post(register_url(world.a), {**data, "branch": world.a_group.pk})
    response = client.post(register_url(world.a), data)

    assert world.a_group not in branches and world.a_branch in branches
    assert as_group.status_code == 400
    assert response.status_code == 302, response.context["form"].errors
    member = Member.objects.get(name="李卫红")
    assert (member.branch, member.party_group) == (world.a_branch, world.a_group)


def test_the_database_refuses_a_group_as_membership(world, second_group):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=world.a_member.pk).update(branch=world.a_group, party_group=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=world.a_member.pk).update(branch=world.a_retirees)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(committee=world.a, branch=world.a_retirees, party_group=second_group)
    world.a_member.refresh_from_db()
    assert (world.a_member.branch, world.a_member.party_group) == (world.a_branch, world.a_group)


def test_a_branch_with_members_cannot_become_a_group(world):
    from branches.models import Branch

    MemberFactory(committee=world.a, branch=world.a_retirees)
    with pytest.raises(IntegrityError), transaction.atomic():
        Branch.objects.filter(pk=world.a_retirees.pk).update(parent=world.a_branch)
    assert Branch.objects.get(pk=world.a_retirees.pk).parent is None


def test_a_group_page_shows_its_leader_and_members_and_has_no_term(client, world):
    world.a_group.secretary = world.a_member
    world.a_group.save()
    client.force_login(world.secretary_a)

    page = client.get(world.a_group.get_absolute_url())
    form = client.get(reverse("branches:branch-update", kwargs={"pk": world.a_group.pk}))

    assert "Group leader" in text(page) and "郑优芳" in text(page)
    assert page.context["member_count"] == 1
    assert "term_end" not in form.context["form"].fields
    assert str(form.context["form"].fields["secretary"].label) == gettext("group leader")


def test_the_group_roster_lists_its_members_and_the_branch_roster_all(client, world):
    MemberFactory(committee=world.a, branch=world.a_branch, name="不在小组")
    client.force_login(world.secretary_a)

    group = client.get(reverse("members:branch-roster", kwargs={"pk": world.a_group.pk}))
    branch = client.get(reverse("members:branch-roster", kwargs={"pk": world.a_branch.pk}))

    assert "郑优芳" in text(group) and "不在小组" not in text(group)
    assert "郑优芳" in text(branch) and "不在小组" in text(branch)


def test_appraisal_is_by_the_branch_not_the_group(client, world):
    client.force_login(world.secretary_a)

    group = client.get(reverse("members:appraisal-summary", kwargs={"pk": world.a_group.pk}))
    branch = client.get(reverse("members:appraisal-summary", kwargs={"pk": world.a_branch.pk}))

    assert group.status_code == 404
    assert branch.status_code == 200
    assert [row["unit"] for row in branch.context["rows"]] == [world.a_branch, world.a_group]
    assert [row["total"] for row in branch.context["rows"]] == [0, 1]
