"""A real Celery worker on the real Redis, for tests marked ``celery_worker`` (STACK.md, "Celery in tests").

A plugin of the whole suite (``pytest_plugins`` in tests/conftest.py), so that however many folders use
``live_worker``, one process runs one worker: fixtures imported into several conftests would start one each.

- One worker per test process (a thread, solo pool) consuming the default, labels and notifications queues of
  Redis database ``RMA_TEST_REDIS_DB`` (10 by default) + the pytest-xdist worker number, so that parallel
  processes never eat each other's tasks. The queues are purged before and after the session.
- Tests use ``live_worker`` and ``@pytest.mark.django_db(transaction=True)``: the worker thread has its own
  database connection and only sees committed rows. The app publishes to the broker only during such a test
  (elsewhere tasks stay eager, as in the rest of the suite).
- No Redis or no PostgreSQL: the tests are skipped with the command that enables it, or fail when CI=true.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from celery.worker import state as worker_state
from django.conf import settings as django_settings
from django.db import OperationalError, connection

from returns_portal.celery import QUEUE_NAMES, app
from rma.core.queue import broker_breaker
from tests.conftest import postgres_required, require

REDIS_SERVER = os.environ.get("RMA_TEST_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_DB_BASE = int(os.environ.get("RMA_TEST_REDIS_DB", "10"))
ENABLE_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


def redis_test_url(offset: int = 0) -> str:
    """A Redis database of this test process: ``RMA_TEST_REDIS_DB`` + `offset` + the pytest-xdist worker number
    (offsets 0, 2 and 4 are in use: the live worker's broker, the cluster's broker, the cluster's shared cache).

    A Redis server has 16 databases unless told otherwise, and CI's runs with the default base of 10 and two xdist
    workers: 10-11, 12-13 and 14-15. Below the base, 9 is the metrics test's and 8 the bench harness's."""
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(xdist_worker.removeprefix("gw")) if xdist_worker.startswith("gw") else 0
    return f"{REDIS_SERVER}/{REDIS_DB_BASE + offset + index}"


def _broker_url() -> str:
    return redis_test_url()


def _reset_publishers() -> None:
    """Publish through the broker URL configured now.

    Celery keeps the connection and producer pools of the URL it first published to; dropping them is what
    Celery itself does in a forked child (``Celery._after_fork``). They are not closed: kombu shares them
    by URL, and hands the same ones back when the URL comes back.
    """
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def _purge(client: redis.Redis) -> None:
    for name in QUEUE_NAMES:
        client.delete(name)
    for key in ("unacked", "unacked_index", "unacked_mutex"):  # kombu's bookkeeping of unacknowledged tasks
        client.delete(key)


def wait_for(predicate: Callable[[], Any], *, what: str, timeout: float = 30.0) -> Any:
    """Poll until `predicate()` is truthy; SQLite's "table is locked" while the worker writes counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = predicate()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def database_url() -> str:
    """The URL of the test database, for a process of its own (PostgreSQL)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class TaskRuns:
    """What the worker ran (task name, first argument, return value), from Celery's task_postrun signal."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: list[tuple[str, Any, Any]] = []

    def record(self, sender: Any = None, args: Any = None, retval: Any = None, **kwargs: Any) -> None:
        with self._lock:
            self._runs.append((sender.name, args[0] if args else None, retval))

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()

    def results(self, name: str, first_arg: Any = None) -> list[Any]:
        with self._lock:
            return [r for n, a, r in self._runs if n == name and (first_arg is None or a == first_arg)]

    def wait(self, name: str, first_arg: Any = None, *, count: int, timeout: float = 30.0) -> list[Any]:
        wait_for(
            lambda: len(self.results(name, first_arg)) >= count, what=f"{count} run(s) of {name}", timeout=timeout
        )
        return self.results(name, first_arg)


class LiveWorker:
    """Handles on the worker thread for a test."""

    def __init__(self, *, broker: redis.Redis, runs: TaskRuns) -> None:
        self.broker = broker
        self.runs = runs

    def idle(self, *, timeout: float = 30.0, settle: float = 0.3) -> None:
        """Wait until no task runs or waits in the queues (ETA tasks held for later do not count)."""
        quiet_since: float | None = None

        def quiet() -> bool:
            nonlocal quiet_since
            busy = (
                bool(worker_state.active_requests)
                or bool(worker_state.reserved_requests)
                or any(self.broker.llen(name) for name in QUEUE_NAMES)
            )
            now = time.monotonic()
            if busy:
                quiet_since = None
                return False
            quiet_since = quiet_since or now
            return now - quiet_since >= settle

        wait_for(quiet, what="the worker to be idle", timeout=timeout)

    @contextmanager
    def broker_unreachable(self, url: str = UNREACHABLE_BROKER) -> Iterator[None]:
        """Publishing fails as if Redis were down; the worker keeps its own connection and simply gets nothing.

        `url`: where the app publishes meanwhile (by default nothing listens there; see HangingUpBroker).
        """
        app.conf["broker_write_url"] = url
        _reset_publishers()
        try:
            yield
        finally:
            app.conf["broker_write_url"] = None
            _reset_publishers()
            broker_breaker.reset()  # the process would otherwise wait out the cool-off before publishing again


class HangingUpBroker:
    """A broker that is down in the way that costs most: it accepts each connection and closes it at once.

    Counts the connections, i.e. the attempts the app made to publish. Use as a context manager.
    """

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="hanging-up-broker", daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self._socket.getsockname()[1]}/0"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _address = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            client.close()

    def __enter__(self) -> "HangingUpBroker":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


class SpareRedis:
    """A Redis server of its own (no worker reads it), that can be restarted empty: what a Redis without
    persistence does to the tasks it holds when it restarts."""

    def __init__(self) -> None:
        with socket.create_server(("127.0.0.1", 0)) as probe:
            self.port = probe.getsockname()[1]
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client()
        try:
            wait_for(lambda: self._pong(client), what="the spare Redis to answer", timeout=10)
        finally:
            client.close()

    @staticmethod
    def _pong(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def restart_empty(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def spare_redis() -> Iterator[SpareRedis]:
    require(shutil.which("redis-server") is not None, "redis-server (a Redis of its own)", ENABLE_REDIS)
    server = SpareRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def hanging_up_broker() -> Iterator[HangingUpBroker]:
    with HangingUpBroker() as broker:
        yield broker


@pytest.fixture(scope="session")
def celery_worker_session() -> Iterator[tuple[redis.Redis, TaskRuns]]:
    # The worker writes (labels, messages, refunds) while the test goes on writing: SQLite's shared in-memory test
    # database refuses the second writer at once ("table is locked"), where PostgreSQL has it wait for the row.
    postgres_required("a real worker writing beside the test")
    url = _broker_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require(False, f"Redis at {REDIS_SERVER} (tests with a real Celery worker)", ENABLE_REDIS)
    previous = {key: app.conf.get(key) for key in ("broker_url", "broker_transport_options", "broker_write_url")}
    # The production options for Redis (one connection attempt when publishing, tight timeouts), whatever broker
    # the settings of this run chose.
    app.conf.update(
        broker_url=url,
        broker_transport_options=dict(django_settings.RMA_REDIS_BROKER_TRANSPORT_OPTIONS),
        broker_write_url=None,
    )
    _reset_publishers()
    _purge(client)
    runs = TaskRuns()
    task_postrun.connect(runs.record, weak=False)
    threads_before = set(threading.enumerate())
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=list(QUEUE_NAMES),
            shutdown_timeout=30,
            loglevel="WARNING",
        ):
            yield client, runs
    finally:
        task_postrun.disconnect(runs.record)
        app.conf.update(previous)
        _reset_publishers()
        _purge(client)
        client.close()
        # Playwright's sync API runs its event loop in "asyncio_N" threads, which outlive a test that used the
        # browser and the worker together; an HTTP server of the tests (the live server, a fake shop or carrier)
        # serves each connection in a "process_request_thread", which lives as long as its client keeps the
        # connection open. Neither is the worker's.
        not_the_worker = ("asyncio_", "process_request_thread")
        leftover = [
            t.name
            for t in threading.enumerate()
            if t not in threads_before and t.is_alive() and not any(name in t.name for name in not_the_worker)
        ]
        assert not leftover, f"threads left running after the worker stopped: {leftover}"


@pytest.fixture
def live_worker(celery_worker_session) -> Iterator[LiveWorker]:
    """The session's worker, with the app publishing to it for this test; waits for it to be idle afterwards."""
    client, runs = celery_worker_session
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    runs.clear()
    worker = LiveWorker(broker=client, runs=runs)
    try:
        yield worker
        worker.idle()  # nothing may still touch the database when the test's rows are flushed
    finally:
        app.conf.task_always_eager = eager
