"""Redis down must not take the portal down: the cache answers a miss, writes are dropped,
sessions come from the database (``cached_db``), and signing in and pages keep working.
Simulated with a Redis address nothing listens on (the CI's real Redis stays up)."""

import time

import pytest
from django.core.cache import caches
from django.urls import reverse

from core.cache import ResilientRedisCache

DEAD = "redis://127.0.0.1:9/0"  # the discard port: nothing answers Redis there


@pytest.fixture(autouse=True)
def _fresh_pause():
    ResilientRedisCache._down_until = 0.0
    yield
    ResilientRedisCache._down_until = 0.0


def dead_cache():
    return ResilientRedisCache(DEAD, {"OPTIONS": {"socket_connect_timeout": 0.2,
                                                  "socket_timeout": 0.2}})


def test_reads_miss_and_writes_are_dropped():
    c = dead_cache()
    assert c.get("k") is None and c.get("k", "default") == "default"
    assert c.set("k", 1) is None
    assert c.add("k", 1) is False
    assert c.get_many(["a", "b"]) == {}
    assert c.set_many({"a": 1}) == ["a"]
    assert c.delete("k") is False and c.has_key("k") is False
    assert c.get_or_set("k", lambda: 42) == 42
    with pytest.raises(ValueError):
        c.incr("k")


def test_after_a_failure_redis_is_left_alone_for_a_while():
    c = dead_cache()
    c.get("k")
    assert ResilientRedisCache.is_paused()
    started = time.monotonic()
    for _ in range(50):
        c.get("k")
    assert time.monotonic() - started < 0.5  # no connection attempt while paused


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {
        "BACKEND": "core.cache.ResilientRedisCache", "LOCATION": DEAD,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    settings.SESSION_ENGINE = "core.cached_db"
    yield
    ResilientRedisCache._down_until = 0.0


def test_signing_in_and_pages_work_with_redis_down(client, world, redis_down):
    assert isinstance(caches["default"], ResilientRedisCache)
    response = client.post(reverse("login"), {"username": "secretary_a",
                                              "password": "pw-for-tests-only"})
    assert response.status_code == 302, response.content[:500]
    for url in (reverse("overview:home"), world.a.get_absolute_url(),
                reverse("members:committee-roster", args=[world.a.pk])):
        assert client.get(url).status_code == 200, url
    client.post(reverse("logout"))
    assert client.get(world.a.get_absolute_url()).status_code == 302


@pytest.mark.redis  # the real Redis: runs in CI's PostgreSQL + Redis phase
def test_a_cache_keeps_its_client_and_comes_back_after_a_dropped_connection(settings):
    c = ResilientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-kept-client"})
    c.set("k", 1)
    client = c._cache.get_client()
    assert c._cache.get_client(write=True) is client  # one server: one pool, one client
    c._cache._pools[0].disconnect()  # Redis restarted, say: the pool's connections are gone
    assert c.get("k") == 1 and c._cache.get_client() is client
    c.delete("k")
