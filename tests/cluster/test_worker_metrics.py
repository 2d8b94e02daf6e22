"""A Celery worker's task metrics: with PROMETHEUS_MULTIPROC_DIR, one target (RMA_WORKER_METRICS_PORT) that sums
every pool process's tasks, those of processes that have exited included; without it, one target per pool process
(the port plus the process's pool index)."""

import socket
from collections.abc import Iterator

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families

from returns_portal.celery import app
from tests.cluster.processes import worker_start
from tests.conftest import require
from tests.objectstore import free_port
from tests.workers.live import ENABLE_REDIS, redis_test_url, wait_for

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
BROKER_OFFSET = 2  # the cluster tests' broker (tests/cluster/test_two_machines.py): never in use at the same time
TASK = "rma.returns.expire"  # hourly in production; here a cheap task that reads the database and writes nothing
DONE = ("rma_celery_task_duration_seconds_count", (("state", "SUCCESS"), ("task", TASK)))


@pytest.fixture
def broker() -> Iterator[str]:
    url = redis_test_url(BROKER_OFFSET)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError:
        require(False, f"Redis at {url} (the workers' broker)", ENABLE_REDIS)
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def tasks_send(broker: str, count: int) -> None:
    """Published to the workers' broker (the test settings run tasks eagerly, which send_task would warn about)."""
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        with app.connection_for_write(broker) as connection:
            for _ in range(count):
                app.send_task(TASK, connection=connection)
    finally:
        app.conf.task_always_eager = eager


def test_one_target_sums_every_pool_process_even_those_that_exited(
    tmp_path, postgres_only, django_process_env, broker
):
    metrics_dir = tmp_path / "worker" / "prometheus"
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "histogram_999999.db").write_bytes(b"left by an earlier run")
    port = free_port()
    env = django_process_env(
        CELERY_BROKER_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        RMA_WORKER_METRICS_PORT=str(port),
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    # Two pool processes, each replaced after 3 tasks: 12 tasks run in at least 4 processes, most of them gone.
    worker = worker_start(
        "worker",
        tmp_path / "worker",
        env,
        pool="prefork",
        options=["--concurrency", "2", "--max-tasks-per-child", "3"],
    )
    try:
        assert not (metrics_dir / "histogram_999999.db").exists()  # emptied when the worker started
        wait_for(lambda: answers(port), what="the worker's metrics target", timeout=30)
        assert not answers(port + 1)  # one target, not one per pool process

        tasks_send(broker, 12)
        wait_for(lambda: scrape(port).get(DONE, 0) == 12, what="12 tasks counted on the one target", timeout=60)

        # One file per pool process that ran a task (prometheus_client's, named after its pid).
        assert len(list(metrics_dir.glob("histogram_*.db"))) >= 4
        assert scrape(port)[("rma_outbox_pending", ())] == 0  # the gauges: read from the database at scrape time
    finally:
        worker.stop()


def _two_free_ports() -> int:
    """A port free with the next one: a busy machine's client sockets take ephemeral ports, the one after any
    free port among them."""
    while True:
        port = free_port()
        with socket.socket() as first, socket.socket() as second:
            try:
                first.bind(("127.0.0.1", port))
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def test_without_the_folder_each_pool_process_is_its_own_target(tmp_path, postgres_only, django_process_env, broker):
    port = _two_free_ports()
    env = django_process_env(
        CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER="false", RMA_WORKER_METRICS_PORT=str(port)
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    worker = worker_start("worker", tmp_path / "worker", env, pool="prefork", options=["--concurrency", "2"])
    try:
        wait_for(lambda: answers(port) and answers(port + 1), what="one target per pool process", timeout=30)

        tasks_send(broker, 6)

        def counted() -> float:
            return sum(scrape(target).get(DONE, 0) for target in (port, port + 1))

        wait_for(lambda: counted() == 6, what="6 tasks counted over the two targets", timeout=60)
    finally:
        worker.stop()
