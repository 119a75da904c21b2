"""The shared cache (Redis) as a help, never a dependency: when it is down or slow to answer,
every read is a miss and every write is dropped, the site serves from the database, and the
log says so (once a minute at most). /healthz reports it."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("ptce.cache")
_LOG_EVERY = 60.0
_last_logged = 0.0


def _down(error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY:
        _last_logged = now
        logger.error("shared cache unavailable, serving from the database: %s", error)


def _resilient(name: str, fallback):
    """The parent's method `name`, answering `fallback(*args)` when Redis fails."""

    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except RedisError as error:
            _down(error)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _unavailable(*args, **named):
    raise ValueError("cache unavailable")  # as incr() says of a missing key


class ResilientRedisCache(RedisCache):
    # Reads miss, writes are dropped; what each answers as if Redis said so.
    get = _resilient("get", lambda key, default=None, version=None: default)
    get_many = _resilient("get_many", lambda *args, **named: {})
    has_key = _resilient("has_key", lambda *args, **named: False)
    add = _resilient("add", lambda *args, **named: False)
    set = _resilient("set", lambda *args, **named: None)
    set_many = _resilient("set_many", lambda data, *rest, **named: list(data))
    touch = _resilient("touch", lambda *args, **named: False)
    delete = _resilient("delete", lambda *args, **named: False)
    delete_many = _resilient("delete_many", lambda *args, **named: None)
    incr = _resilient("incr", _unavailable)
    clear = _resilient("clear", lambda *args, **named: None)

    def is_available(self) -> bool:
        try:
            return bool(self._cache.get_client(write=False).ping())
        except RedisError:
            return False
