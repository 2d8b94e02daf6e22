"""Connector tasks: map stored deliveries to orders, sweep the ones left behind, poll the shops without webhooks."""

import logging
from typing import Any

from celery import shared_task

from rma.connectors.inbox import deliveries_due, delivery_process, delivery_retry_in
from rma.core.queue import enqueue_on_commit, publish
from rma.core.retries import retry_policy

logger = logging.getLogger(__name__)


@shared_task(
    name="rma.connectors.delivery_process",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
    **retry_policy(),
)
def inbox_delivery_task(delivery_id: int, **kwargs: Any) -> str:
    """Map one stored webhook delivery to our orders (safe to run any number of times); one still pending (its
    order not arrived yet, or created by another delivery at the same moment) comes back soon, else the sweeper's."""
    status = delivery_process(delivery_id=delivery_id)
    if status == "pending":
        retry_in = delivery_retry_in(delivery_id=delivery_id)
        if retry_in is not None:
            publish(inbox_delivery_task, delivery_id, countdown=retry_in)
    return status


def inbox_delivery_enqueue(delivery_id: int) -> None:
    """Hand a stored delivery to the worker after the commit (the sweeper does it if the broker is down)."""
    enqueue_on_commit(inbox_delivery_task, delivery_id)


@shared_task(name="rma.connectors.inbox_sweep", soft_time_limit=50, time_limit=60, ignore_result=True)
def inbox_sweep_task() -> int:
    """Beat, every minute: hand over again the deliveries still pending (lost task, order not arrived yet)."""
    handed = 0
    for delivery_id in deliveries_due():
        if not publish(inbox_delivery_task, delivery_id):
            break
        handed += 1
    return handed


@shared_task(name="rma.connectors.sync", soft_time_limit=3540, time_limit=3600, ignore_result=True)
def connection_sync_task(connection_id: int) -> int:
    """Read the orders of one connection changed since its last sync (the admin's action); how many were read."""
    from rma.connectors.models import ShopConnection
    from rma.connectors.sync import connection_sync

    connection = ShopConnection.objects.filter(pk=connection_id, enabled=True).first()
    return 0 if connection is None else connection_sync(connection=connection).seen


@shared_task(name="rma.connectors.poll", soft_time_limit=840, time_limit=900, ignore_result=True)
def shops_poll_task() -> int:
    """Beat: read the orders updated since the last poll from the shops that send no webhooks (PrestaShop)."""
    from rma.connectors.sync import connections_poll

    return connections_poll()
