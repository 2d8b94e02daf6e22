"""Hand work to the broker after the commit that calls for it: the one way tasks are enqueued.

The rows a task works on are the source of truth; the task is only a nudge. When the broker is down the
publish fails at once (one connection attempt, no retry loop, a connect timeout of RMA_BROKER_CONNECT_TIMEOUT_SECONDS:
see the CELERY settings): it is logged and the row waits for its sweeper. A process-wide breaker then stops
trying for a while, so that the other publishes of the same request, and the next requests, do not try again.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)


class Publishable(Protocol):
    """What a Celery task offers to be published (``Task.apply_async``)."""

    name: str

    def apply_async(self, args: Any = ..., kwargs: Any = ..., **options: Any) -> Any: ...


class BrokerBreaker:
    """After a failed publish, stop trying the broker for a while (per process).

    Each failed connection costs up to the connect timeout; without this, every publish of every request that
    writes a row while Redis is down would pay it. The rows wait for their sweeper meanwhile.
    """

    def __init__(self, *, cool_off_seconds: float) -> None:
        self.cool_off_seconds = cool_off_seconds
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        self._open_until = time.monotonic() + self.cool_off_seconds

    def reset(self) -> None:
        self._open_until = 0.0


broker_breaker = BrokerBreaker(cool_off_seconds=15.0)


def publish(
    task: Publishable,
    *args: Any,
    countdown: float | None = None,
    on_failure: Callable[[], object] | None = None,
    force: bool = False,
    **kwargs: Any,
) -> bool:
    """Publish a task now; False when the broker is down (logged, the breaker trips, `on_failure` runs).

    While the breaker is open nothing is tried (the work waits for its sweeper), unless `force`: a sweeper (or a
    worker handing over a retry) tries anyway. Requests never force.
    """
    if broker_breaker.is_open() and not force:
        logger.info("broker down: %s%s waits for its sweeper", task.name, args)
        if on_failure is not None:
            on_failure()
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs or None, countdown=countdown)
    except (KombuError, OSError):
        broker_breaker.trip()
        logger.warning("could not queue %s%s; its sweeper will", task.name, args, exc_info=True)
        if on_failure is not None:
            on_failure()
        return False
    broker_breaker.reset()
    return True


def enqueue_on_commit(
    task: Publishable,
    *args: Any,
    countdown: float | None = None,
    on_failure: Callable[[], object] | None = None,
    force: bool = False,
    **kwargs: Any,
) -> None:
    """Publish a task once the current transaction commits (at once outside one); see `publish`."""
    transaction.on_commit(
        lambda: publish(task, *args, countdown=countdown, on_failure=on_failure, force=force, **kwargs)
    )


def _cache_is_shared() -> bool:
    """A doorbell only works in a cache that the workers read too (Redis), not in one process's memory."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    # The backend itself: `django.core.cache.cache` is a proxy to it, of another class.
    return not isinstance(caches["default"], LocMemCache)


def ring_on_commit(task: Publishable, *, doorbell: str, ttl: float = 30.0) -> None:
    """After the commit, publish `task` unless it is already waiting in the broker: the first writer of a burst
    publishes it and sets `doorbell` in the shared cache; the task clears the doorbell when it starts
    (`doorbell_clear`), before it reads the rows, so that a row committed after that rings again.

    For a task that drains a table of rows (one run takes every row waiting): a burst of writes costs one publish,
    not one each. The rows stay the source of truth: a doorbell left set by a lost publish lapses after `ttl`
    seconds, and the task's beat sweep takes the rows meanwhile. Without a shared cache, or when it does not
    answer, every write publishes.
    """

    def ring() -> None:
        from django.core.cache import cache
        from redis.exceptions import RedisError

        if _cache_is_shared():
            try:
                if not cache.add(doorbell, 1, timeout=ttl):
                    return  # a publish is waiting: its run will read this row
            except (RedisError, OSError):
                logger.warning("shared cache unavailable: %s published without its doorbell", task.name)
        publish(task, on_failure=lambda: doorbell_clear(doorbell))

    transaction.on_commit(ring)


def doorbell_clear(doorbell: str) -> None:
    """At the start of a run of the task that `ring_on_commit` publishes: the next write publishes again."""
    from django.core.cache import cache
    from redis.exceptions import RedisError

    if _cache_is_shared():
        try:
            cache.delete(doorbell)
        except (RedisError, OSError):
            logger.warning("shared cache unavailable: doorbell %s left to lapse", doorbell)
