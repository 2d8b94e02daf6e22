"""The facts the warehouse tells a return's messages (rma.returns.reactions.provide, in WarehouseConfig.ready)."""

from decimal import Decimal
from typing import Any

from rma.returns.models import ReturnRequest
from rma.returns.reactions import RefundFacts, StoreCreditFacts
from rma.warehouse.models import ExchangeRequest, Refund, StoreCredit


def return_refund(return_request: ReturnRequest) -> RefundFacts | None:
    """The refund released for the return, if any (a query: the reverse accessor would cache "none yet")."""
    refund = Refund.objects.filter(return_request=return_request).first()
    if refund is None:
        return None
    return RefundFacts(
        amount=str(refund.amount.quantize(Decimal("0.01"))), currency=refund.currency, method=refund.method
    )


def return_exchange_lines(return_request: ReturnRequest) -> list[dict[str, Any]] | None:
    """The lines of the exchange requested from the shop for the return (what it accepted), if any."""
    requested = ExchangeRequest.objects.filter(return_request=return_request).first()
    return None if requested is None else list(requested.lines)


def return_store_credit(return_request: ReturnRequest) -> StoreCreditFacts | None:
    """The store credit issued for the return, if any."""
    credit = StoreCredit.objects.filter(return_request=return_request).first()
    if credit is None:
        return None
    return StoreCreditFacts(
        code=credit.code,
        amount=str(credit.amount.quantize(Decimal("0.01"))),
        currency=credit.currency,
        moment=credit.moment,
        issued_at=credit.created_at.isoformat(),
    )
