"""Store credits as the customer's pages read them."""

from rma.returns.models import ReturnRequest
from rma.warehouse.models import StoreCredit

__all__ = ["store_credit_for_return"]


def store_credit_for_return(*, return_request: ReturnRequest) -> StoreCredit | None:
    """The store credit issued for a return, if any."""
    return StoreCredit.objects.filter(return_request=return_request).first()
