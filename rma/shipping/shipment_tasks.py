"""Shipment tasks: thin adapters from the broker to rma.shipping.services.shipments (ids in).

Celery finds this module by name (returns_portal/celery.py, ``related_name="shipment_tasks"``).
"""

from typing import Any

from celery import shared_task

from rma.core.queue import publish
from rma.shipping.services.shipment_documents import shipment_documents_generate, shipments_documents_missing
from rma.shipping.tasks import RETRY_POLICY


@shared_task(
    name="rma.shipping.shipment_documents_generate",
    queue="labels",
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
    **RETRY_POLICY,
)
def shipment_documents_generate_task(shipment_id: int, **kwargs: Any) -> None:
    """Make a closed shipment's carton labels and manifest (PDF, CSV); a second run changes nothing more."""
    shipment_documents_generate(shipment_id=shipment_id)


@shared_task(
    name="rma.shipping.shipments_documents_sweep", queue="labels", acks_late=True, soft_time_limit=60, time_limit=90
)
def shipments_documents_sweep_task(**kwargs: Any) -> int:
    """Beat, every few minutes: queue again the documents of closed shipments that have none (task lost)."""
    missing = shipments_documents_missing()
    for shipment_id in missing:
        publish(shipment_documents_generate_task, shipment_id, force=True)
    return len(missing)
