"""Prometheus metrics: request latency, the outbox's backlog, the returns accepted for later and not yet made, the
broker's queues, and task durations/failures.

Request and queue metrics are served by the web processes at ``/metrics``. Task metrics are recorded by the
process that runs the task: a worker started with ``RMA_WORKER_METRICS_PORT`` serves them (and the same
gauges) on that port with prometheus_client's own HTTP server. With ``PROMETHEUS_MULTIPROC_DIR`` set, the worker's
main process serves one target that sums every pool process's tasks (the folder emptied when the worker starts, a
pool process that exits marked dead, its counts kept); without it, each pool process serves its own, on the port
plus its pool index.

Several web processes (gunicorn's workers) behind one address: with ``PROMETHEUS_MULTIPROC_DIR`` set, every process
writes its counters and histograms to files in that folder (prometheus_client's multiprocess mode) and a scrape,
whichever process answers it, sums them all; gunicorn's hooks (returns_portal/ops/gunicorn_conf.py) empty the folder
when the server starts and drop a dead worker's live files. The gauges need no multiprocess mode: they are not kept
by any process but read from the database and the broker when scraped (BacklogCollector), so any process answers
the same. Without the variable, each process is its own target.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from returns_portal.ops.readiness import redis_client

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "rma_http_request_duration_seconds",
    "Time spent answering a request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_DURATION = Histogram(
    "rma_celery_task_duration_seconds",
    "Time a Celery task ran, by task name and outcome.",
    ["task", "state"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0),
)
TASK_FAILURES = Counter("rma_celery_task_failures", "Celery tasks that raised, by task name.", ["task"])

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _route(request: HttpRequest) -> str:
    """The URL pattern's name, never the path: one series per page, whatever ids the paths carry."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_LATENCY.labels(_route(request), method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


class BacklogCollector(Collector):
    """Read at scrape time: outbox rows pending and dead-lettered (one indexed query), and the Celery queues'
    lengths when Redis is the broker. A failure is logged and the gauge left out, never a failed scrape."""

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing to declare: without it, registering would run the queries (at import time)."""
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._outbox()
        yield from self._intakes()
        yield from self._queues()

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from rma.notifications.choices import OutboxStatus
        from rma.notifications.models import OutboxMessage

        try:
            counts = dict(
                OutboxMessage.objects.filter(status__in=(OutboxStatus.PENDING, OutboxStatus.DEAD))
                .order_by()
                .values_list("status")
                .annotate(n=Count("id"))
            )
        except Exception:
            logger.warning("metrics: the outbox could not be counted", exc_info=True)
            return
        pending = GaugeMetricFamily("rma_outbox_pending", "Outbox messages waiting to be delivered.")
        pending.add_metric([], counts.get(OutboxStatus.PENDING, 0))
        dead = GaugeMetricFamily("rma_outbox_dead_letters", "Outbox messages given up after their last attempt.")
        dead.add_metric([], counts.get(OutboxStatus.DEAD, 0))
        yield pending
        yield dead

    def _intakes(self) -> Iterator[GaugeMetricFamily]:
        try:
            # Imported here, and inside the guard: a worker's metrics thread may scrape while the worker is still
            # importing its task modules, and a half-imported module must cost this gauge, not the scrape.
            from rma.returns.intake import return_intakes_waiting

            waiting = return_intakes_waiting()
        except Exception:
            logger.warning("metrics: the returns accepted for later could not be counted", exc_info=True)
            return
        family = GaugeMetricFamily(
            "rma_return_intakes_pending", "Returns accepted for later (Prefer: respond-async) not yet made."
        )
        family.add_metric([], waiting)
        yield family

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        from returns_portal.celery import QUEUE_NAMES

        url: str = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            return
        try:
            pipe = redis_client(url).pipeline(transaction=False)
            for name in QUEUE_NAMES:
                pipe.llen(name)
            lengths = pipe.execute()
        except Exception:
            logger.warning("metrics: the broker's queues could not be measured", exc_info=True)
            return
        family = GaugeMetricFamily("rma_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
        for name, length in zip(QUEUE_NAMES, lengths, strict=True):
            family.add_metric([name], length)
        yield family


BACKLOG = BacklogCollector()
REGISTRY.register(BACKLOG)

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own name, read when it is imported


def scrape_registry() -> CollectorRegistry:
    """What a scrape reads: this process's metrics, or in multiprocess mode every process's summed, and the backlog."""
    if not os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(BACKLOG)
    return registry


# ---- Celery signals (connected in returns_portal/celery.py)
_task_started: dict[str, float] = {}
_lock = threading.Lock()


def task_prerun_start_clock(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        with _lock:
            _task_started[task_id] = time.perf_counter()


def _task_observe(task_id: str | None, name: str, state: str) -> None:
    with _lock:
        started = _task_started.pop(task_id or "", None)
    if started is not None:
        TASK_DURATION.labels(name, state).observe(time.perf_counter() - started)


def task_postrun_observe(task_id: str | None = None, task: Any = None, state: str | None = None, **kw: Any) -> None:
    if task is not None:
        _task_observe(task_id, task.name, state or "UNKNOWN")


def task_failure_count(sender: Any = None, task_id: str | None = None, **kwargs: Any) -> None:
    """Closes the clock with the FAILURE state (task_postrun, which follows, then finds it closed)."""
    name = getattr(sender, "name", "unknown")
    TASK_FAILURES.labels(name).inc()
    _task_observe(task_id, name, "FAILURE")


def _worker_multiprocess_dir() -> Path | None:
    """The folder of the worker's multiprocess mode, when it serves its metrics and PROMETHEUS_MULTIPROC_DIR is set."""
    folder = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    return Path(folder) if folder and settings.RMA_WORKER_METRICS_PORT else None


def worker_metrics_prepare(**kwargs: Any) -> None:
    """worker_init, in the worker's main process before any pool process starts: an empty multiprocess folder (an
    earlier run's files would be counted again, or no longer parse). The folder must be the worker's own."""
    folder = _worker_multiprocess_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.db"):
        leftover.unlink(missing_ok=True)


class _ScrapeThreadBacklog(Collector):
    """The backlog, read from the worker's metrics thread, which then closes its database connection: a pool
    process forked later must not inherit an open one."""

    def describe(self) -> list[GaugeMetricFamily]:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db import connections

        try:
            yield from BACKLOG.collect()
        finally:
            connections.close_all()


def worker_metrics_serve_all(**kwargs: Any) -> None:
    """worker_ready, in the worker's main process, in multiprocess mode: one target on RMA_WORKER_METRICS_PORT that
    sums the tasks of every pool process, those still running and those that exited (prefork, solo or threads)."""
    port: int | None = settings.RMA_WORKER_METRICS_PORT
    if not port or _worker_multiprocess_dir() is None:
        return
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_ScrapeThreadBacklog())
    start_http_server(port, addr=settings.RMA_WORKER_METRICS_ADDR, registry=registry)
    logger.info("worker metrics of every pool process on port %s", port)


def worker_metrics_process_exit(pid: int | None = None, **kwargs: Any) -> None:
    """worker_process_shutdown, in a pool process that exits (max tasks reached, pool shrunk, shutdown): its live
    gauges stop counting; its counters and histograms stay in the sum."""
    if _worker_multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid or os.getpid())


def worker_metrics_serve(**kwargs: Any) -> None:
    """In each process that runs tasks (a prefork child, or a solo worker) when RMA_WORKER_METRICS_PORT is set and
    there is no multiprocess folder: serve its metrics on that port plus the process's pool index (0, 1, ...: one
    scrape target per process)."""
    from billiard.process import current_process

    port: int | None = settings.RMA_WORKER_METRICS_PORT
    if not port or _worker_multiprocess_dir() is not None:
        return
    index = int(getattr(current_process(), "index", 0) or 0)
    start_http_server(port + index, addr=settings.RMA_WORKER_METRICS_ADDR)
    logger.info("worker metrics on port %s", port + index)
