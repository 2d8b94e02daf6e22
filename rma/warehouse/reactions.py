"""What the warehouse does when a return changes status, and the facts it tells the return's messages.

Both are wired in WarehouseConfig.ready (rma.returns.reactions ``register`` and ``provide``).
"""

from decimal import Decimal
from typing import Any

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.reactions import RefundFacts, StatusChange
from rma.warehouse.models import ExchangeRequest
from rma.warehouse.selectors.refunds import refund_of_return
from rma.warehouse.services.refunds import refund_release


def refund_follows_returnless_approval(change: StatusChange) -> None:
    """Release the refund of a returnless return as soon as it is approved (by the policy or by an agent).

    It runs inside the approval's transaction: the refund, its message to the shop and the move to "refunded"
    commit with the approval or not at all. Approving twice is refused by the lifecycle (a refunded return
    cannot be approved), and a concurrent approval waits for the row lock, so the refund is released once.
    """
    if change.to_status != ReturnStatus.APPROVED or not change.return_request.returnless:
        return
    refund_release(return_request=change.return_request, actor=change.actor)


def return_refund(return_request: ReturnRequest) -> RefundFacts | None:
    """The refund released for the return, if any."""
    refund = refund_of_return(return_request=return_request)
    if refund is None:
        return None
    return RefundFacts(
        amount=str(refund.amount.quantize(Decimal("0.01"))), currency=refund.currency, method=refund.method
    )


def return_exchange_lines(return_request: ReturnRequest) -> list[dict[str, Any]] | None:
    """The lines of the exchange requested from the shop for the return (what it accepted), if any."""
    requested = ExchangeRequest.objects.filter(return_request=return_request).first()
    return None if requested is None else list(requested.lines)
