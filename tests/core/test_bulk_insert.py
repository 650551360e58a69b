"""core.db.bulk_insert: the rows bulk_create would write (COPY on PostgreSQL), ids when asked,
and the database's refusals raised as Django's errors (the roster import tells a race from a
lost connection by them)."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.db import bulk_insert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_inserts_the_rows_and_gives_them_their_ids():
    users = bulk_insert(User, [User(username=f"批量{i}", first_name="一") for i in range(3)],
                        with_pks=True)
    assert all(user.pk for user in users)
    stored = {u.pk: u for u in User.objects.filter(username__startswith="批量")}
    assert sorted(stored) == sorted(user.pk for user in users)
    assert {u.username for u in stored.values()} == {"批量0", "批量1", "批量2"}
    assert all(u.date_joined is not None and u.first_name == "一" for u in stored.values())
    assert not users[0]._state.adding


def test_a_refused_row_raises_djangos_integrity_error_and_writes_nothing():
    taken = UserFactory(username="已有")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(User, [User(username="新人"), User(username=taken.username)])
    assert not User.objects.filter(username="新人").exists()


def test_values_django_would_convert_are_written_as_it_writes_them():
    # Plain strings and integers go as they are; anything else through the field's own
    # preparation: a lazy string (as a translation is) as its text, a number in a text field
    # as digits.
    from django.utils.functional import lazy

    later = lazy(lambda: "建国", str)
    bulk_insert(User, [User(username="转换", first_name=later(), last_name=5, is_staff=True)])
    user = User.objects.get(username="转换")
    assert (user.first_name, user.last_name, user.is_staff) == ("建国", "5", True)


@pytest.mark.postgres
def test_a_deferred_field_is_read_before_the_rows_go_in():
    # Reading a deferred field is a query: sent in the middle of PostgreSQL's COPY it would
    # wait for ever. The rows are made first. (The id is not written: the copy gets its own.)
    source = UserFactory(username="原来", first_name="甲")
    partial = User.objects.only("username", "password").get(pk=source.pk)
    partial.username = "副本"
    bulk_insert(User, [partial])
    copy = User.objects.get(username="副本")
    assert copy.pk != source.pk and copy.first_name == "甲"
