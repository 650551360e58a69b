"""core.db.bulk_change: the named fields of each object written to its row, as bulk_update
writes them (COPY into a temporary table and one UPDATE on PostgreSQL); the other fields and
other rows stay; a refused value changes nothing."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.db import bulk_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_writes_the_named_fields_and_leaves_the_rest():
    first, second, other = (UserFactory(username=f"改{i}", first_name="旧", last_name="姓")
                            for i in range(3))
    for user, name in ((first, "新一"), (second, "新二")):
        user.first_name, user.last_name = name, "不写"
    assert bulk_change(User, [first, second], ["first_name"]) == 2
    stored = {u.username: (u.first_name, u.last_name) for u in User.objects.all()}
    assert stored == {"改0": ("新一", "姓"), "改1": ("新二", "姓"), "改2": ("旧", "姓")}


def test_it_may_run_twice_in_one_transaction_and_on_its_own():
    user = UserFactory(first_name="甲")
    with transaction.atomic():
        user.first_name = "乙"
        bulk_change(User, [user], ["first_name"])
        user.last_name = "丙"
        bulk_change(User, [user], ["last_name"])
    user.is_active = False
    bulk_change(User, [user], ["is_active"])
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.is_active) == ("乙", "丙", False)


def test_a_refused_value_raises_djangos_integrity_error_and_changes_nothing():
    taken, renamed = UserFactory(username="已有"), UserFactory(username="原名")
    other = UserFactory(username="其他")
    renamed.username, other.username = taken.username, "其他改"
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_change(User, [other, renamed], ["username"])
    assert set(User.objects.values_list("username", flat=True)) == {"已有", "原名", "其他"}
