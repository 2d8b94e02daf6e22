"""The shared cache (Redis when REDIS_URL is set) for what is only worth remembering: read and written so that a
cache that is down costs a warning and a little work done again, never a failed task or request.

What goes through here can always be made afresh: a Shopify token asked for again, a Mondial Relay booking made
again (an unused expedition is never billed). A cache that is down reads as empty, writes and deletes are skipped,
and each is logged as a warning naming what was not remembered. Django's Redis cache raises redis-py's errors
(connection refused, a timeout); a socket error can come through as an OSError.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_CACHE_DOWN = (RedisError, OSError)


def shared_cache_get(key: str, *, what: str) -> Any:
    """The value kept under `key`, or None when there is none or the cache does not answer."""
    return _read(lambda: cache.get(key), what)


def shared_cache_get_many(keys: list[str], *, what: str) -> dict[str, Any] | None:
    """The values kept under these keys, in one round trip (a key with none is left out), or None when the cache does
    not answer."""
    return _read(lambda: cache.get_many(keys), what)


def _read(read: Callable[[], Any], what: str) -> Any:
    try:
        return read()
    except _CACHE_DOWN as error:
        logger.warning(
            "shared cache unavailable, %s not read (done again instead): %s: %s", what, type(error).__name__, error
        )
        return None


def shared_cache_set(key: str, value: Any, *, timeout: float | None, what: str) -> bool:
    """Keep `value` under `key` for `timeout` seconds (None: until replaced); False when the cache does not answer
    (nothing kept)."""
    return _written(lambda: cache.set(key, value, timeout=timeout), f"{what} not remembered")


def shared_cache_add(key: str, value: Any, *, timeout: float | None, what: str) -> bool:
    """Keep `value` under `key` unless a value is there already (the first writer wins); False when the cache does not
    answer."""
    return _written(lambda: cache.add(key, value, timeout=timeout), f"{what} not remembered")


def shared_cache_delete(key: str, *, what: str) -> bool:
    """Forget `key`; False when the cache does not answer (then there is nothing another process could read)."""
    return _written(lambda: cache.delete(key), f"{what} not forgotten")


def _written(write: Callable[[], object], undone: str) -> bool:
    try:
        write()
    except _CACHE_DOWN as error:
        logger.warning("shared cache unavailable, %s: %s: %s", undone, type(error).__name__, error)
        return False
    return True
