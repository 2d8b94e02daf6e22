"""The refund released for a return, as the customer's pages, the API and the messages show it."""

from rma.returns.models import ReturnRequest
from rma.warehouse.models import Refund

__all__ = ["refund_of_return"]


def refund_of_return(*, return_request: ReturnRequest) -> Refund | None:
    """The refund released for the return, if any (a query: the reverse accessor would cache "none yet")."""
    return Refund.objects.filter(return_request=return_request).first()
