"""Returns accepted for later (`Prefer: respond-async`), made by the real Celery worker on Redis
(tests/workers/live.py): the acceptance rings the worker once it commits, the worker makes the return, then its
label, as production does."""

import pytest

from rma.returns.choices import ReturnStatus
from rma.returns.intake import DOORBELL
from rma.returns.models import IntakeStatus, ReturnIntake
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.workers.live import redis_test_url, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _body(reason, relay) -> dict:
    order = OrderFactory()
    line = OrderLineFactory(order=order, quantity=1)
    return {
        "order": order.external_id,
        "lines": [{"order_line": line.external_id, "quantity": 1, "reason": reason.code}],
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
        "submit": True,
    }


def test_a_burst_accepted_for_later_is_made_by_the_worker_down_to_the_labels(
    live_worker, integration, policy, warehouse, reason, relay
):
    locations = []
    for _ in range(5):
        response = integration.post(
            "/api/v1/returns/", _body(reason, relay), format="json", HTTP_PREFER="respond-async"
        )
        assert response.status_code == 202, response.content
        locations.append(response["Location"])

    wait_for(lambda: not ReturnIntake.objects.filter(status=IntakeStatus.PENDING).exists(), what="the five returns")
    outcomes = [integration.get(location).json() for location in locations]
    assert [outcome["status"] for outcome in outcomes] == ["created"] * 5
    assert len({outcome["return"]["public_id"] for outcome in outcomes}) == 5

    wait_for(lambda: Label.objects.filter(status=LabelStatus.READY).count() == 5, what="the five labels")
    live_worker.idle()
    for outcome in outcomes:
        detail = integration.get(outcome["return"]["url"]).json()
        assert detail["status"] == ReturnStatus.LABEL_READY
        assert detail["label"]["status"] == "ready"


def test_the_next_acceptance_rings_again_once_a_run_has_started(
    live_worker, integration, policy, warehouse, reason, relay, settings
):
    """With a cache the web processes and the workers share (Redis, as in production), the run clears the doorbell
    before it reads the waiting rows: a request accepted after that is not left for beat."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_test_url(4)}
    }
    cache.delete(DOORBELL)

    first = integration.post("/api/v1/returns/", _body(reason, relay), format="json", HTTP_PREFER="respond-async")
    wait_for(lambda: ReturnIntake.objects.filter(status=IntakeStatus.CREATED).count() == 1, what="the first return")
    live_worker.idle()
    assert cache.get(DOORBELL) is None

    second = integration.post("/api/v1/returns/", _body(reason, relay), format="json", HTTP_PREFER="respond-async")
    wait_for(lambda: ReturnIntake.objects.filter(status=IntakeStatus.CREATED).count() == 2, what="the second return")
    assert {first.status_code, second.status_code} == {202}
    live_worker.idle()
    assert cache.get(DOORBELL) is None
