"""Redis as a cache that degrades to a miss when Redis does not answer.

The cache holds sessions (``cached_db``: the database has them too), kept figures and
snapshots, and short-lived marks: all of it can be rebuilt, none of it is worth a server error.
So when Redis is down or slow, a read is a miss (the caller's default), a write is dropped,
and the portal keeps working from the database. After a failure Redis is left alone for a few
seconds (``PAUSE``) so that each request does not wait for a connection timeout; the first
failure of each pause is logged, the rest are counted only.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

FAILURES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
PAUSE = 10.0  # seconds Redis is left alone after it failed


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping the redis-py client of each connection pool: Django makes
    a new one for every call, and making one (its table of reply handlers) took as much CPU as
    the call itself (0.09 of a read's 0.19 ms). A cache object, and so this, serves one
    thread (``django.core.cache.caches``); a redis-py client may be shared between threads
    anyway, taking a connection from its pool for each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; when Redis fails, reads miss and writes are dropped."""

    _down_until = 0.0  # monotonic time; shared by the process's connections

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    def _call(self, name: str, fallback, *args, **kwargs):
        now = time.monotonic()
        if now < ResilientRedisCache._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except FAILURES as exc:
            if ResilientRedisCache._down_until < now:
                log.warning("cache unavailable (%s: %s): serving without it for %ss",
                            type(exc).__name__, exc, PAUSE)
            ResilientRedisCache._down_until = now + PAUSE
            return fallback

    @classmethod
    def is_paused(cls) -> bool:
        return time.monotonic() < cls._down_until

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        # False: "someone else holds the mark", so nothing is queued on a broker that is down
        # with it (the beat counts what was missed).
        return self._call("add", False, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def clear(self):
        return self._call("clear", None)
