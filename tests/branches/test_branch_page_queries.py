"""The branch page, with the meetings card meetings adds to it (core.sections), spends the
same queries whatever the number of its meetings, groups and members."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import session_queries
from tests.factories import BranchFactory, MeetingFactory, MemberFactory

# Session, user, role assignments, member; the branch; its groups; its member count; the
# write check; the card's upcoming and recent meetings. The branch's secretary also gets the
# notices waiting for them (notices' card; none asked for the committee's side); the
# committee's secretary the committee's write check (a top-level branch is the committee's to
# delete: its button shows only then; a branch secretary's scope holds no committee to ask).
BRANCH_PAGE_QUERIES = 7 + session_queries()
NOTICES_CARD = {"branch_secretary": 1, "secretary_a": 1}


def grow(world, n):
    for i in range(world.a_branch.groups.count(), n):
        group = BranchFactory(committee=world.a, parent=world.a_branch, kind=world.a_branch.kind,
                              name=f"第{i}党小组")
        MemberFactory(committee=world.a, branch=world.a_branch)
        for when in (timedelta(days=-10 - i), timedelta(days=10 + i)):
            MeetingFactory(committee=world.a, branch=group, kind="group",
                           starts_at=timezone.now() + when)


@pytest.mark.parametrize("persona", ["branch_secretary", "secretary_a"])
def test_the_page_spends_the_same_queries_at_two_sizes(client, world, persona,
                                                       django_assert_num_queries):
    client.force_login(getattr(world, persona))
    grow(world, 1)
    with django_assert_num_queries(BRANCH_PAGE_QUERIES + NOTICES_CARD[persona]):
        small = client.get(world.a_branch.get_absolute_url())
    grow(world, 6)
    with django_assert_num_queries(BRANCH_PAGE_QUERIES + NOTICES_CARD[persona]):
        large = client.get(world.a_branch.get_absolute_url())
    assert small.content.decode().count('data-testid="meeting-card"') < \
        large.content.decode().count('data-testid="meeting-card"')
