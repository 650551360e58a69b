"""Creating, editing and deleting branches and the party groups under them."""

import html

import pytest
from django.urls import reverse

from branches.models import Branch, BranchKind
from tests.factories import BranchFactory, MemberFactory


def text(response):
    return html.unescape(response.content.decode())


def create_url(committee):
    return reverse("branches:branch-create", kwargs={"committee_pk": committee.pk})


def group_url(branch):
    return reverse("branches:group-create", kwargs={"pk": branch.pk})


def update_url(branch):
    return reverse("branches:branch-update", kwargs={"pk": branch.pk})


def delete_url(branch):
    return reverse("branches:branch-delete", kwargs={"pk": branch.pk})


def detail_url(obj):
    return obj.get_absolute_url()


def branch_data(**overrides):
    return {"parent": "", "kind": "", "name": "学苑社区新支部", "secretary": "", "unit": "",
            "founded": "", **overrides}


def errors(response, field):
    return list(response.context["form"].errors.get(field, []))


# --- creating branches -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", BranchKind.values)
def test_the_secretary_creates_a_branch_of_each_kind(client, world, kind):
    data = branch_data(kind=kind, founded="2020-07-01")
    if kind == BranchKind.UNIT:
        data["unit"] = world.unit.pk
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), data)

    assert response.status_code == 302
    assert response.url == detail_url(world.a)
    branch = Branch.objects.get(name="学苑社区新支部")
    assert (branch.committee, branch.kind, branch.parent) == (world.a, kind, None)
    assert branch.unit == (world.unit if kind == BranchKind.UNIT else None)
    assert "Branch created." in text(client.get(response.url))


def test_it_asks_for_the_kind_of_a_branch(client, world):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), branch_data())

    assert response.status_code == 400
    assert errors(response, "kind") == ["Choose the kind of organisation."]
    assert not Branch.objects.filter(name="学苑社区新支部").exists()


def test_it_refuses_a_second_branch_of_the_same_name_in_the_committee(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        create_url(world.a), branch_data(kind=BranchKind.RESIDENTS, name=world.a_branch.name)
    )

    assert response.status_code == 400
    assert "This committee already has a branch of that name." in text(response)
    assert Branch.objects.filter(name=world.a_branch.name).count() == 1


@pytest.mark.parametrize("kind", [BranchKind.RESIDENTS, BranchKind.RETIREES])
def test_only_a_unit_s_party_organisation_is_linked_to_a_unit(client, world, kind):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), branch_data(kind=kind, unit=world.unit.pk))

    assert response.status_code == 400
    assert errors(response, "unit") == [
        "Only a resident unit's party organisation is linked to a unit."
    ]
    assert "Only a resident unit's party organisation is linked to a unit." in text(response)
    assert not Branch.objects.filter(name="学苑社区新支部").exists()


# --- creating party groups -------------------------------------------------------------------

def test_choosing_a_parent_makes_a_party_group_of_the_parent_s_kind(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        create_url(world.a),
        branch_data(parent=world.a_retirees.pk, kind=BranchKind.RESIDENTS, name="离退休第一党小组"),
    )

    assert response.status_code == 302
    group = Branch.objects.get(name="离退休第一党小组")
    assert (group.parent, group.committee, group.kind) == (
        world.a_retirees, world.a, BranchKind.RETIREES
    )
    page = text(client.get(detail_url(world.a_retirees)))
    assert "离退休第一党小组" in page


def test_the_group_page_puts_the_new_group_under_its_branch(client, world):
    client.force_login(world.secretary_a)

    response = client.post(group_url(world.a_retirees), {"name": "离退休第一党小组"})

    assert response.status_code == 302
    assert response.url == detail_url(world.a_retirees)
    group = Branch.objects.get(name="离退休第一党小组")
    assert (group.parent, group.committee, group.kind) == (
        world.a_retirees, world.a, BranchKind.RETIREES
    )
    assert "Party group created." in text(client.get(response.url))


def test_the_group_page_ignores_a_posted_parent_or_kind(client, world):
    client.force_login(world.secretary_a)

    client.post(group_url(world.a_retirees), {
        "name": "离退休第一党小组", "parent": world.a_branch.pk, "kind": BranchKind.UNIT,
    })

    group = Branch.objects.get(name="离退休第一党小组")
    assert (group.parent, group.kind) == (world.a_retirees, BranchKind.RETIREES)


def test_it_refuses_a_party_group_under_a_party_group(client, world):
    client.force_login(world.secretary_a)

    via_page = client.post(group_url(world.a_group), {"name": "第二层党小组"})
    via_parent = client.post(
        create_url(world.a), branch_data(parent=world.a_group.pk, name="第二层党小组")
    )

    assert via_page.status_code == 404
    assert via_parent.status_code == 400
    assert any("Select a valid choice" in e for e in errors(via_parent, "parent"))
    assert not Branch.objects.filter(name="第二层党小组").exists()


def test_the_parent_choices_are_the_committee_s_own_branches(client, world):
    client.force_login(world.officer)

    form = client.get(create_url(world.a)).context["form"]

    assert set(form.fields["parent"].queryset) == {world.a_branch, world.a_retirees}


def test_it_refuses_a_parent_from_another_committee(client, world):
    client.force_login(world.officer)

    response = client.post(create_url(world.a), branch_data(parent=world.b_branch.pk))

    assert response.status_code == 400
    assert any("Select a valid choice" in e for e in errors(response, "parent"))
    assert not Branch.objects.filter(name="学苑社区新支部").exists()


# --- the branch secretary --------------------------------------------------------------------

def test_the_branch_secretary_creates_a_party_group_under_their_branch(client, world):
    client.force_login(world.branch_secretary)

    response = client.post(group_url(world.a_branch), {"name": "学苑居民第二党小组"})

    assert response.status_code == 302
    group = Branch.objects.get(name="学苑居民第二党小组")
    assert (group.parent, group.committee, group.kind) == (
        world.a_branch, world.a, BranchKind.RESIDENTS
    )


def test_the_branch_secretary_sees_the_new_party_group_link_on_their_branch_only(client, world):
    client.force_login(world.branch_secretary)

    own = client.get(detail_url(world.a_branch)).content.decode()
    other = client.get(detail_url(world.a_retirees)).content.decode()

    assert group_url(world.a_branch) in own and update_url(world.a_branch) in own
    assert group_url(world.a_retirees) not in other and update_url(world.a_retirees) not in other


def test_the_branch_secretary_edits_their_branch(client, world):
    client.force_login(world.branch_secretary)

    response = client.post(
        update_url(world.a_branch),
        branch_data(kind=BranchKind.RESIDENTS, name="学苑社区第一居民党支部",
                    secretary=world.a_member.pk),
    )

    assert response.status_code == 302
    assert response.url == detail_url(world.a_branch)
    world.a_branch.refresh_from_db()
    assert world.a_branch.name == "学苑社区第一居民党支部"
    assert world.a_branch.secretary == world.a_member
    assert "Branch saved." in text(client.get(response.url))


def test_the_branch_secretary_cannot_create_a_top_level_branch(client, world):
    client.force_login(world.branch_secretary)

    response = client.post(create_url(world.a), branch_data(kind=BranchKind.RESIDENTS))

    assert response.status_code == 403
    assert not Branch.objects.filter(name="学苑社区新支部").exists()


def test_the_branch_secretary_cannot_edit_another_branch_of_the_committee(client, world):
    """They read A's structure (so 403, not 404) but write only their own branch."""
    client.force_login(world.branch_secretary)

    edit = client.post(update_url(world.a_retirees), branch_data(kind=BranchKind.RETIREES,
                                                                 name="被改名"))
    group = client.post(group_url(world.a_retirees), {"name": "离退休第一党小组"})
    delete = client.post(delete_url(world.a_retirees))

    assert (edit.status_code, group.status_code, delete.status_code) == (403, 403, 403)
    world.a_retirees.refresh_from_db()
    assert world.a_retirees.name == "学苑社区离退休干部党支部"
    assert Branch.objects.filter(committee=world.a).count() == 3


def test_the_branch_secretary_cannot_touch_another_committee_s_branch(client, world):
    client.force_login(world.branch_secretary)

    response = client.post(update_url(world.b_branch), branch_data(kind="residents", name="x"))

    assert response.status_code == 404


def test_the_branch_secretary_cannot_lift_a_party_group_out_from_under_their_branch(
    client, world
):
    """Making the group a top-level branch is creating a top-level branch, which they may not."""
    client.force_login(world.branch_secretary)

    client.post(update_url(world.a_group),
                branch_data(parent="", kind=BranchKind.RETIREES, name=world.a_group.name))

    world.a_group.refresh_from_db()
    assert world.a_group.parent == world.a_branch


def test_a_member_cannot_create_or_edit_branches(client, world):
    client.force_login(world.member_user)

    create = client.post(create_url(world.a), branch_data(kind=BranchKind.RESIDENTS))
    edit = client.post(update_url(world.a_group), branch_data(name="被改名"))

    assert (create.status_code, edit.status_code) == (403, 403)
    world.a_group.refresh_from_db()
    assert world.a_group.name == "学苑居民第一党小组"


# --- editing ---------------------------------------------------------------------------------

def test_changing_a_branch_s_kind_changes_its_party_groups_kind(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        update_url(world.a_branch),
        branch_data(kind=BranchKind.RETIREES, name=world.a_branch.name),
    )

    assert response.status_code == 302
    world.a_group.refresh_from_db()
    assert world.a_group.kind == BranchKind.RETIREES


def test_a_branch_with_party_groups_is_not_offered_a_parent(client, world):
    client.force_login(world.secretary_a)

    form = client.get(update_url(world.a_branch)).context["form"]
    client.post(update_url(world.a_branch), branch_data(
        parent=world.a_retirees.pk, kind=BranchKind.RESIDENTS, name=world.a_branch.name))

    assert "parent" not in form.fields
    world.a_branch.refresh_from_db()
    assert world.a_branch.parent is None


# --- deleting --------------------------------------------------------------------------------

def test_it_refuses_to_delete_a_branch_that_still_has_party_groups(client, world):
    client.force_login(world.secretary_a)

    confirm = client.get(delete_url(world.a_branch))
    response = client.post(delete_url(world.a_branch))

    for page in (confirm, response):
        assert f"{world.a_branch.name} cannot be deleted yet, because:" in text(page)
        assert "it still has 1 party group" in text(page)
        assert "Yes, delete" not in text(page)
    assert response.status_code == 409
    assert Branch.objects.filter(pk=world.a_branch.pk).exists()


def test_it_refuses_to_delete_a_branch_whose_members_hold_their_membership_there(client, world):
    client.force_login(world.secretary_a)
    MemberFactory(committee=world.a, branch=world.a_retirees)

    response = client.post(delete_url(world.a_retirees))

    assert response.status_code == 409
    assert "1 member holds their membership there" in text(response)
    assert Branch.objects.filter(pk=world.a_retirees.pk).exists()


def test_deleting_a_party_group_leaves_its_members_in_the_branch(client, world):
    # A group holds no membership (组织关系 is the branch's): its members stay in the branch.
    client.force_login(world.secretary_a)
    assert world.a_member.party_group == world.a_group

    response = client.post(delete_url(world.a_group))

    assert response.status_code == 302
    assert not Branch.objects.filter(pk=world.a_group.pk).exists()
    world.a_member.refresh_from_db()
    assert (world.a_member.branch, world.a_member.party_group) == (world.a_branch, None)


def test_deleting_an_empty_branch_works(client, world):
    client.force_login(world.secretary_a)

    confirm = client.get(delete_url(world.a_retirees))
    response = client.post(delete_url(world.a_retirees))

    assert f"Delete {world.a_retirees.name}? This cannot be undone." in text(confirm)
    assert response.status_code == 302
    assert response.url == detail_url(world.a)
    assert not Branch.objects.filter(pk=world.a_retirees.pk).exists()
    assert f"{world.a_retirees.name} deleted." in text(client.get(response.url))


def test_the_branch_secretary_deletes_an_empty_party_group_of_their_branch(client, world):
    empty = BranchFactory(committee=world.a, parent=world.a_branch, name="学苑居民第二党小组")
    client.force_login(world.branch_secretary)

    response = client.post(delete_url(empty))

    assert response.status_code == 302
    assert response.url == detail_url(world.a_branch)  # back to the parent branch
    assert not Branch.objects.filter(pk=empty.pk).exists()
