"""Row locks taken by the warehouse. Order: a shipment first, then a return (the order shipment_dispatch uses),
so that receiving a carton and dispatching or receiving its returns cannot deadlock."""

from django.db import transaction

from rma.shipping.models import Shipment


def shipment_lock(*, pk: int) -> Shipment:
    """Lock a shipment for the rest of the transaction: all receiving writes on its cartons go through this."""
    assert transaction.get_connection().in_atomic_block, "lock inside a transaction"
    return Shipment.objects.select_for_update(of=("self",)).select_related("store", "warehouse").get(pk=pk)
