"""Several processes over one database and one Redis: `shared_cache` (this process's cache on Redis, and the URL
that processes started by the test are given for theirs) and `django_process_env` (their environment)."""

import os
from collections.abc import Callable, Iterator

import pytest
import redis
from django.core.cache import cache

from tests.conftest import postgres_required, require
from tests.workers.live import ENABLE_REDIS, database_url, redis_test_url

SHARED_CACHE_OFFSET = 4


@pytest.fixture
def shared_cache(settings) -> Iterator[str]:
    """The cache on a Redis database of its own, emptied before and after: what processes of a cluster share."""
    url = redis_test_url(SHARED_CACHE_OFFSET)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require(False, f"Redis at {url} (a cache shared by several processes)", ENABLE_REDIS)
    finally:
        client.close()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    cache.clear()
    yield url
    cache.clear()


@pytest.fixture
def django_process_env(shared_cache: str) -> Callable[..., dict[str, str]]:
    """The environment of another Django process of the cluster: test settings, the test database, the shared
    cache; `extra` adds or replaces variables."""
    postgres_required("a test database other processes can open")

    def build(**extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "returns_portal.settings.test",
            "DATABASE_URL": database_url(),
            "RMA_TEST_CACHE_URL": shared_cache,
        }
        env.pop("REDIS_URL", None)
        env.update(extra)
        return env

    return build
