"""What shipping does when a return changes status (rma.returns.signals.return_status_changed).

The receiver runs inside the transaction of the status change, so the label row commits or rolls back with it.
"""

from typing import Any

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.models import Label
from rma.shipping.services import label_request, label_void

# Every drop-off method ships a parcel to the warehouse, home pickup too: each needs a label.
# A returnless refund ships nothing.
_VOIDING_STATUSES = frozenset({ReturnStatus.CANCELLED, ReturnStatus.EXPIRED, ReturnStatus.REJECTED})


def return_status_changed_received(
    sender: Any, *, return_request: ReturnRequest, from_status: str, to_status: str, **kwargs: Any
) -> None:
    """Request a label when a return is approved; void it when the return is cancelled or expires."""
    if to_status == ReturnStatus.APPROVED:
        if not return_request.returnless:
            label_request(return_request=return_request)
    elif to_status in _VOIDING_STATUSES:
        label = Label.objects.filter(return_request=return_request).first()
        if label is not None:
            label_void(label=label)
