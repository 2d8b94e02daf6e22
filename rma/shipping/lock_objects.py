"""Row locks for labels and for a shipment's returns. Take a label's return first (rma.returns.lock_objects), then the
label: a status change of the return (cancel → void the label) takes them in that order too, so the two cannot
deadlock. Returns are locked in primary-key order, as everywhere."""

from django.db.models import Prefetch, QuerySet

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest
from rma.shipping.models import Label, Shipment, ShipmentItem

# The returns a shipment's dispatch moves in transit; the others it holds (already further on) are left as they are.
DISPATCHABLE_STATUSES = (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)


def label_qs_select_for_update() -> QuerySet[Label]:
    return Label.objects.order_by("pk").select_for_update(of=("self",))


def return_request_with_label_qs_select_for_update(*, skip_locked: bool = False) -> QuerySet[ReturnRequest]:
    """Returns joined to their label, both rows locked by one statement (filter it on the label to keep it inner).

    PostgreSQL locks the rows of a joined result in the order of the FROM clause: the return, then its label, the
    order above. The label is read under that lock: `return_request.label` is the locked row. `skip_locked`: rows
    another transaction holds are left out instead of waited for (a batch takes what nobody else is working on).
    """
    return (
        ReturnRequest.objects.order_by("pk")
        .select_related("label")
        .select_for_update(of=("self", "label"), skip_locked=skip_locked)
    )


def shipment_returns_qs_select_for_update(*, shipment: Shipment) -> QuerySet[ReturnRequest]:
    """The returns a shipment holds that its dispatch moves, locked by one statement in primary-key order, with what
    their messages show: their order, drop-off point, warehouse and label (read with them, not locked: a move in
    transit leaves the label as it is) and their lines (one more read)."""
    held = ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True, return_request__isnull=False)
    return (
        ReturnRequest.objects.order_by("pk")
        .filter(pk__in=held.values("return_request_id"), status__in=DISPATCHABLE_STATUSES)
        .select_related("order", "drop_off_point", "destination_warehouse", "label")
        .prefetch_related(Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line", "reason")))
        .select_for_update(of=("self",))
    )
