"""Two machines: two web processes and two Celery workers, each in a folder of its own, over one PostgreSQL, one
Redis (broker and cache) and one object store (S3, moto's server). A return goes from creation to refund across
them: nothing one process writes may be needed only in its own memory or its own folder.

A: the customer's draft, the photo viewed, the submission, the warehouse's scan and inspection.
B: the photo uploaded, the label downloaded, the refund released.
The workers: the label and every notification, whichever takes each.
"""

import io
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests
from PIL import Image
from rest_framework.authtoken.models import Token

from returns_portal.celery import QUEUE_NAMES
from rma.notifications.models import OutboxMessage
from rma.returns.models import ReturnRequest
from rma.warehouse.services import warehouse_reference_data_seed
from tests.cluster.processes import (
    Service,
    services_stop,
    tasks_succeeded,
    web_start,
    web_wait_ready,
    worker_start,
    worker_wait_ready,
)
from tests.conftest import require
from tests.helpers import staff_member
from tests.notifications.webhook_receiver import WebhookReceiver
from tests.workers.live import ENABLE_REDIS, redis_test_url, wait_for

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
CLUSTER_BROKER_OFFSET = 2
WEBHOOK_SECRET = "secret-shared-by-the-shop-and-every-worker"  # noqa: S105 - a test's own


def jpeg(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


class Api:
    """The REST API of one web process, as one user (``Authorization: Token``)."""

    def __init__(self, web: Service, token: str) -> None:
        self.web = web
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, f"{self.web.url}/api/v1{path}", timeout=30, **kwargs)
        assert response.status_code == expect, (
            f"{self.web.name} {method} {path}: {response.status_code} {response.text}"
        )
        return response


@pytest.fixture
def cluster_broker() -> Iterator[str]:
    url = redis_test_url(CLUSTER_BROKER_OFFSET)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError:
        require(False, f"Redis at {url} (the cluster's broker)", ENABLE_REDIS)
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def shop_webhooks() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=WEBHOOK_SECRET) as receiver:
        yield receiver


@pytest.fixture
def cluster(tmp_path, postgres_only, django_process_env, cluster_broker, object_store, shop_webhooks):
    """Web A and B (gunicorn, one worker each) and workers 1 and 2, started together; stopped after the test."""
    bucket = object_store.bucket_create()
    shared = {
        "CELERY_BROKER_URL": cluster_broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "RMA_S3_BUCKET": bucket,
        "RMA_S3_ENDPOINT_URL": object_store.endpoint_url,
        "RMA_S3_REGION": object_store.region,
        "RMA_S3_ACCESS_KEY_ID": object_store.access_key_id,
        "RMA_S3_SECRET_ACCESS_KEY": object_store.secret_access_key,
        "RMA_SHOP_WEBHOOK_URL": shop_webhooks.url(),
        "RMA_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }

    def env(name: str) -> dict[str, str]:
        folder = tmp_path / name
        return django_process_env(**shared, RMA_VAR_DIR=str(folder / "var"), RMA_MEDIA_ROOT=str(folder / "media"))

    services: list[Service] = []
    try:  # all four boot at once
        for name in ("worker-1", "worker-2"):
            services.append(worker_start(name, tmp_path / name, env(name), wait=False))
        for name in ("web-a", "web-b"):
            services.append(web_start(name, tmp_path / name, env(name), workers=1, wait=False))
        for service in services:
            (web_wait_ready if service.url else worker_wait_ready)(service)
        yield {"bucket": bucket, "broker": cluster_broker, **{service.name: service for service in services}}
    finally:
        services_stop(services)


def test_a_return_goes_from_creation_to_refund_across_two_web_processes_and_two_workers(
    cluster, object_store, shop_webhooks, policy, warehouse, relay, reason, order_line, integration_user
):
    warehouse_reference_data_seed()  # the grading grid
    web_a, web_b, worker_1, worker_2 = (cluster[name] for name in ("web-a", "web-b", "worker-1", "worker-2"))
    operator = staff_member(warehouse, "alice", "warehouse_staff", first_name="Alice", last_name="Martin")
    shop_token = Token.objects.create(user=integration_user).key
    operator_token = Token.objects.create(user=operator).key
    shop_on_a, shop_on_b = Api(web_a, shop_token), Api(web_b, shop_token)
    warehouse_on_a, warehouse_on_b = Api(web_a, operator_token), Api(web_b, operator_token)

    # The customer's draft, made on A.
    draft = shop_on_a.call(
        "POST",
        "/returns/",
        expect=201,
        json={
            "order": "shop-1",
            "lines": [{"order_line": "L1", "quantity": 1, "reason": reason.code, "comment": "Trop juste"}],
            "resolution": "refund",
            "drop_off": {"method": "relay_point", "point_id": relay.pk},
        },
    ).json()
    public_id = draft["public_id"]

    # A photo uploaded on B, seen on A (the file is in the bucket, not in B's folder).
    photo = shop_on_b.call(
        "POST",
        f"/returns/{public_id}/lines/L1/photos/",
        expect=201,
        files={"photo": ("IMG_0001.jpg", jpeg((200, 30, 30)), "image/jpeg")},
    ).json()
    seen_on_a = shop_on_a.call("GET", f"/returns/{public_id}/photos/{photo['id']}/")
    assert seen_on_a.headers["Content-Type"] == "image/jpeg"
    assert seen_on_a.content == shop_on_b.call("GET", f"/returns/{public_id}/photos/{photo['id']}/").content
    assert Image.open(io.BytesIO(seen_on_a.content)).size == (64, 48)

    # Submitted on A: approved by the policy, the label made by a worker, downloaded from B.
    submitted = shop_on_a.call("POST", f"/returns/{public_id}/submit/").json()
    assert submitted["status"] == "approved"
    label = wait_for(
        lambda: (body := shop_on_b.call("GET", f"/returns/{public_id}/label/").json())["status"] == "ready" and body,
        what="the label made by a worker",
        timeout=40,
    )
    pdf = shop_on_b.call("GET", f"/returns/{public_id}/label.pdf")
    assert pdf.content.startswith(b"%PDF")
    assert label["tracking_number"]

    # The warehouse, on A: the parcel scanned, its unit inspected (with a photo) and its disposition confirmed.
    rma_number = ReturnRequest.objects.get(public_id=public_id).rma_number
    scanned = warehouse_on_a.call("POST", "/warehouse/scan/", json={"code": label["tracking_number"]}).json()
    assert (scanned["outcome"], scanned["return_request"]["rma_number"]) == ("received", rma_number)
    detail = warehouse_on_a.call("GET", f"/warehouse/returns/{public_id}/").json()
    line_id = detail["units"][0]["line_id"]
    inspected = warehouse_on_a.call(
        "POST",
        f"/warehouse/returns/{public_id}/units/inspect/",
        data={"line_id": line_id, "unit": 1, "grade": "A", "notes": "Comme neuf"},
        files={"photos": ("unit-1.jpg", jpeg((30, 200, 30)), "image/jpeg")},
    ).json()
    assert inspected["unit"]["inspection"]["grade"] == "A"
    confirmed = warehouse_on_a.call(
        "POST", f"/warehouse/returns/{public_id}/units/disposition/", json={"line_id": line_id, "unit": 1}
    ).json()
    assert confirmed["return_status"] == "inspected"

    # The refund released on B; the shop hears of it from whichever worker sends it.
    released = warehouse_on_b.call("POST", f"/warehouse/returns/{public_id}/refund/release/").json()
    assert (released["outcome"], released["refund"]["amount"]) == ("refunded", "49.90")
    assert ReturnRequest.objects.get(public_id=public_id).status == "refunded"

    wait_for(
        lambda: (
            not OutboxMessage.objects.exclude(status="delivered").exists()
            and any(hit.topic == "refund.released" for hit in shop_webhooks.hits)
        ),
        what="every notification delivered",
        timeout=40,
    )
    refund_hits = [hit for hit in shop_webhooks.hits if hit.topic == "refund.released"]
    assert len(refund_hits) == 1
    assert refund_hits[0].signature_valid
    assert OutboxMessage.objects.filter(channel="email").exists()  # the customer's emails went out too
    broker = redis.Redis.from_url(cluster["broker"])
    wait_for(lambda: not any(broker.llen(queue) for queue in QUEUE_NAMES), what="the queues to be empty")
    broker.close()

    # Each web process answered, each worker did work, and every file is in the bucket: no process's own folder.
    assert {path for _pid, _m, path, _s in web_a.requests_served()} >= {"/api/v1/returns/", "/api/v1/warehouse/scan/"}
    assert any(path.endswith("/refund/release/") for _pid, _m, path, _s in web_b.requests_served())
    ran = {worker.name: tasks_succeeded(worker) for worker in (worker_1, worker_2)}
    assert all(ran.values()), f"a worker did nothing: {ran}"
    assert "rma.shipping.labels_generate_waiting" in ran["worker-1"] + ran["worker-2"]  # the approval's label
    keys = object_store.object_keys(cluster["bucket"])
    assert any(key.endswith(".pdf") for key in keys), keys
    assert len([key for key in keys if key.endswith((".jpg", ".jpeg"))]) >= 2, keys
    for service in (web_a, web_b, worker_1, worker_2):
        media = service.folder / "media"
        assert not media.exists() or not any(path.is_file() for path in media.rglob("*")), service.name
