"""The retry policy of tasks that work on database rows: transient errors are retried by Celery with backoff, and
each failed attempt is recorded on the row it was about (a task's own ``record_failure``).

The rows are the source of truth; a retry is a nudge through the broker. When even recording fails (the database
is still down), the failure is logged and the row's sweeper sends the work again later.
"""

import logging
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

# The database dropped the connection, restarted, failed over, or refused a new connection for a moment.
TRANSIENT_DATABASE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
# Backoff: about 10, 20, 40, 80, 160, 320 s (each drawn at random below that, "full jitter"): ~10 minutes of tries.
RETRY_BACKOFF: dict[str, Any] = {
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def retry_longest_wait() -> float:
    """The longest a retry of RETRY_BACKOFF waits in the broker, in seconds (320: each wait is drawn below it)."""
    exponent = int(RETRY_BACKOFF["max_retries"]) - 1
    return min(float(RETRY_BACKOFF["retry_backoff_max"]), float(RETRY_BACKOFF["retry_backoff"]) * 2**exponent)


def retry_policy(*errors: type[BaseException]) -> dict[str, Any]:
    """Task options: retry on transient database errors (and `errors`), with RETRY_BACKOFF."""
    return {"autoretry_for": (*TRANSIENT_DATABASE_ERRORS, *errors), **RETRY_BACKOFF}


def drain_task_options() -> dict[str, Any]:
    """Task options of a run that drains the rows rung for by rma.core.queue.ring_on_commit: acknowledged once done,
    a minute's soft limit (a run hands over to the next well before), no result kept, bound (it asks whether it runs
    eagerly), retried on transient database errors."""
    return {
        "acks_late": True,
        "soft_time_limit": 60,
        "time_limit": 90,
        "ignore_result": True,
        "bind": True,
        **retry_policy(),
    }


def database_connections_reset() -> None:
    """Drop the database connections that an error left unusable, so that the next query opens a fresh one.

    Celery's Django fixup does this before each task in a worker started by ``celery worker``; a retry's record
    runs before that. A connection inside a transaction (eager tasks in tests) is left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class RecordedRetriesTask(Task):
    """A task whose failed attempts are recorded on its row: each retry (with the seconds until it runs), and the
    final failure once the retries are spent (or the error is not worth one).

    Subclasses implement ``record_failure``. It runs before the retry is published, so that a row that says when
    it is tried again never says it later than the retry really comes.
    """

    def record_failure(
        self, *, args: tuple, kwargs: dict, error: BaseException, retry_in: float | None, final: bool
    ) -> None:
        raise NotImplementedError

    def retry(
        self,
        args: Any = None,
        kwargs: Any = None,
        exc: BaseException | None = None,
        throw: bool = True,
        eta: Any = None,
        countdown: float | None = None,
        max_retries: int | None = None,
        **options: Any,
    ) -> Any:
        request = self.request
        limit = self.max_retries if max_retries is None else max_retries
        will_retry = not request.called_directly and (limit is None or request.retries < limit)
        if exc is not None and will_retry and eta is None:
            self._record(
                args=request.args if args is None else args,
                kwargs=request.kwargs if kwargs is None else kwargs,
                error=exc,
                retry_in=float(countdown or 0),
                final=False,
            )
        return super().retry(
            args=args,
            kwargs=kwargs,
            exc=exc,
            throw=throw,
            eta=eta,
            countdown=countdown,
            max_retries=max_retries,
            **options,
        )

    def on_failure(self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: ExceptionInfo) -> None:
        self._record(args=args, kwargs=kwargs, error=exc, retry_in=None, final=True)

    def _record(self, *, args: tuple, kwargs: dict, error: BaseException, retry_in: float | None, final: bool) -> None:
        try:
            database_connections_reset()
            self.record_failure(
                args=tuple(args or ()), kwargs=dict(kwargs or {}), error=error, retry_in=retry_in, final=final
            )
        except Exception:  # noqa: BLE001 - the database may be what failed; the sweeper re-sends lost work
            logger.exception("could not record the failure of %s%s", self.name, tuple(args or ()))


__all__ = [
    "RETRY_BACKOFF",
    "TRANSIENT_DATABASE_ERRORS",
    "RecordedRetriesTask",
    "database_connections_reset",
    "retry_longest_wait",
    "retry_policy",
]
