"""What shipping does when a return changes status, and the facts it tells the return's messages.

Registered by ShippingConfig.ready() (rma.returns.reactions). The reaction runs inside the transaction of the
status change, so the label row commits or rolls back with it; the label's task is published after the commit.
"""

from rma.core.queue import enqueue_on_commit, ring_on_commit
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.reactions import StatusChange
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_batchable_on_request, label_request, label_void
from rma.shipping.services.label_batches import DOORBELL as LABELS_DOORBELL
from rma.shipping.tasks import label_generate_task, label_void_task, labels_generate_waiting_task

# Every drop-off method ships a parcel to the warehouse, home pickup too: each needs a label.
# A returnless refund ships nothing.
_VOIDING_STATUSES = frozenset({ReturnStatus.CANCELLED, ReturnStatus.EXPIRED, ReturnStatus.REJECTED})


def label_follows_return(change: StatusChange) -> None:
    """Request a label when a return is approved; void it when the return is cancelled or expires."""
    return_request = change.return_request
    if change.to_status == ReturnStatus.APPROVED:
        if not return_request.returnless:
            label, created = label_request(return_request=return_request)
            if created:
                label_generate_on_commit(label)
    elif change.to_status in _VOIDING_STATUSES:
        existing = Label.objects.filter(return_request=return_request).first()
        if existing is not None:
            voided, tell_carrier = label_void(label=existing)
            if tell_carrier:
                enqueue_on_commit(label_void_task, voided.pk)


def label_generate_on_commit(label: Label) -> None:
    """Once the label's row commits: a label a batch can make rings the batches' doorbell (a burst of approvals
    publishes one task, rma.shipping.services.label_batches); any other gets a task of its own."""
    if label_batchable_on_request(label):
        ring_on_commit(labels_generate_waiting_task, doorbell=LABELS_DOORBELL)
    else:
        enqueue_on_commit(label_generate_task, label.pk)


def return_tracking_number(return_request: ReturnRequest) -> str | None:
    """The tracking number of the return's label, unless it was voided.

    The label the caller read with the return is used as it is (label_generate reads both under lock and makes the
    label ready before the return moves); else a query rather than the reverse accessor, which would cache "none
    yet" on the instance.
    """
    cached = ReturnRequest.label.related.get_cached_value(return_request, default=None)
    label = cached if isinstance(cached, Label) else Label.objects.filter(return_request=return_request).first()
    if label is None or label.status == LabelStatus.VOIDED:
        return None
    return label.tracking_number or None
