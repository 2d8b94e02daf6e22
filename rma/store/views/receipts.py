"""The receipt a customer takes home from the counter, as a page's file."""

from uuid import UUID

from django.http import Http404, HttpResponse

from rma.store import selectors
from rma.store.receipts import RECEIPT_SIZES, render_counter_receipt_pdf
from rma.store.views.common import StoreRequest, store_of, store_view


@store_view
def receipt(request: StoreRequest, public_id: UUID, size: str) -> HttpResponse:
    """The customer's receipt (A4 or 80 mm ticket), once the return was checked at the counter."""
    return_request = selectors.return_request_get_for_store(user=request.user, public_id=public_id)
    if return_request is None or size not in RECEIPT_SIZES or return_request.store_id is None:
        raise Http404
    store = store_of(request, return_request.store_id)
    if not any(getattr(line, "counter_check", None) for line in return_request.lines.all()):
        raise Http404
    pdf = render_counter_receipt_pdf(return_request=return_request, store=store, size=size)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{return_request.rma_number}-{size}.pdf"'
    return response
