"""/metrics: hidden without a token, then request latency, the outbox backlog, queue lengths and task outcomes."""

import os

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from returns_portal.celery import app
from rma.notifications.choices import Channel, OutboxStatus
from rma.notifications.models import OutboxMessage

TOKEN = "scrape-token-for-tests"
REDIS_SERVER = os.environ.get("RMA_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# A database of its own, below the live workers' (RMA_TEST_REDIS_DB + the xdist worker's number): a running test
# worker would otherwise take the items this test counts.
REDIS_URL = f"{REDIS_SERVER}/{int(os.environ.get('RMA_TEST_REDIS_DB', '10')) - 1}"
LATENCY = "rma_http_request_duration_seconds_count"


@app.task(name="tests.ops.adds")
def adds(a: int, b: int) -> int:
    return a + b


@app.task(name="tests.ops.fails")
def fails() -> None:
    raise RuntimeError("this task fails on purpose")


@pytest.fixture
def token(settings):
    settings.RMA_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_no_token_configured_is_a_404(client, settings):
    settings.RMA_METRICS_TOKEN = ""

    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_wrong_or_missing_token_is_a_401(client, token, header):
    headers = {"Authorization": header} if header else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"rma_" not in response.content


@pytest.mark.django_db
def test_request_latency_is_counted_by_route_method_and_status_class(client, token, settings):
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    key = (LATENCY, (("method", "GET"), ("route", "healthz"), ("status", "2xx")))
    missing = (LATENCY, (("method", "GET"), ("route", "unmatched"), ("status", "4xx")))
    before = scrape(client)

    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page/123")
    after = scrape(client)

    assert after[key] - before.get(key, 0) == 3
    assert after[missing] - before.get(missing, 0) == 1
    assert not any("123" in value for _, labels in after for _, value in labels)


@pytest.mark.django_db
def test_outbox_pending_and_dead_letters_are_read_at_scrape_time(client, token, settings):
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    for index, status in enumerate([OutboxStatus.PENDING] * 3 + [OutboxStatus.DEAD] * 2):
        OutboxMessage.objects.create(
            channel=Channel.WEBHOOK,
            topic="return.created",
            destination="https://shop.example.com/hooks",
            dedupe_key=f"metrics-{index}",
            status=status,
        )

    samples = scrape(client)

    assert samples[("rma_outbox_pending", ())] == 3
    assert samples[("rma_outbox_dead_letters", ())] == 2


@pytest.mark.django_db
def test_the_returns_accepted_for_later_and_not_yet_made_are_read_at_scrape_time(client, token, settings):
    from rma.returns.models import IntakeStatus, ReturnIntake
    from tests.core.factories import UserFactory

    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    actor = UserFactory(username="peak-shop")
    for status in (IntakeStatus.PENDING, IntakeStatus.PENDING, IntakeStatus.CREATED, IntakeStatus.FAILED):
        ReturnIntake.objects.create(actor=actor, payload={}, language="fr", status=status)

    assert scrape(client)[("rma_return_intakes_pending", ())] == 2


@pytest.mark.django_db
def test_queue_lengths_come_from_the_redis_broker(client, token, settings):
    broker = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        broker.ping()
    except redis.ConnectionError:
        from tests.conftest import require

        require(False, "Redis", "redis-server --daemonize yes --port 6379")
    settings.CELERY_BROKER_URL = REDIS_URL
    broker.delete("labels", "notifications", "default")
    broker.rpush("labels", "a", "b", "c")
    broker.rpush("notifications", "d")
    try:
        samples = scrape(client)
    finally:
        broker.delete("labels", "notifications", "default")

    assert samples[("rma_celery_queue_length", (("queue", "labels"),))] == 3
    assert samples[("rma_celery_queue_length", (("queue", "notifications"),))] == 1
    assert samples[("rma_celery_queue_length", (("queue", "default"),))] == 0


@pytest.mark.django_db
def test_an_unreachable_broker_leaves_the_queue_gauge_out_but_the_scrape_works(client, token, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    samples = scrape(client)

    assert not any(name == "rma_celery_queue_length" for name, _ in samples)
    assert ("rma_outbox_pending", ()) in samples


@pytest.mark.django_db
def test_task_durations_and_failures_are_counted(client, token, settings):
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    ok = ("rma_celery_task_duration_seconds_count", (("state", "SUCCESS"), ("task", "tests.ops.adds")))
    failed = ("rma_celery_task_duration_seconds_count", (("state", "FAILURE"), ("task", "tests.ops.fails")))
    failures = ("rma_celery_task_failures_total", (("task", "tests.ops.fails"),))
    before = scrape(client)

    assert adds.apply(args=(2, 3)).get() == 5
    assert adds.apply(args=(1, 1)).get() == 2
    # As a worker runs it: the failure is recorded on the result, not raised at the caller.
    outcome = fails.apply(throw=False)
    assert outcome.failed()
    after = scrape(client)

    assert after[ok] - before.get(ok, 0) == 2
    assert after[failed] - before.get(failed, 0) == 1
    assert after[failures] - before.get(failures, 0) == 1
