"""Sessions as production keeps them (core.cached_db): in the cache, the database behind it,
a changed session written by one statement."""

from importlib import import_module

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import cache

Store = import_module("core.cached_db").SessionStore


@pytest.fixture
def stored(db):
    session = Store()
    session["seen"] = 1
    session.create()
    return session


def test_a_changed_session_is_written_by_one_update(stored, django_assert_num_queries):
    session = Store(stored.session_key)
    session["seen"] = 2
    with django_assert_num_queries(1) as done:
        session.save()
    assert done.captured_queries[0]["sql"].startswith("UPDATE")
    assert Store(stored.session_key)["seen"] == 2  # from the cache
    cache.clear()
    assert Store(stored.session_key)["seen"] == 2  # and from the database


def test_a_session_ended_meanwhile_is_not_written_again(stored):
    session = Store(stored.session_key)
    session["seen"] = 2
    Session.objects.filter(session_key=stored.session_key).delete()
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.exists()


def test_a_new_session_is_created_as_django_creates_it(db):
    session = Store()
    session["seen"] = 1
    session.save()
    assert Session.objects.get(session_key=session.session_key)
