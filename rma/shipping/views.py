"""Label downloads for staff, by scope (session login); the file response is shared with the customer's link
(rma.portal.labels) and the API."""

import uuid

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from rma.core.private_files import field_file_response
from rma.shipping.models import Label
from rma.shipping.selectors import label_get_for_staff, label_is_downloadable, label_pdf_kind

# ?size= of a PDF download → the Label field holding that file.
PDF_SIZES = {"a6": "pdf", "4x6": "pdf_4x6"}
CONTENT_TYPES = {"pdf": "application/pdf", "pdf_4x6": "application/pdf", "zpl": "application/zpl"}
FILENAME_SUFFIXES = {"pdf": ".pdf", "pdf_4x6": "-4x6.pdf", "zpl": ".zpl"}


def label_file_kind(*, extension: str, size: str | None, label: Label | None = None) -> str:
    """The Label field to serve for a .pdf (A6 unless ?size=4x6) or .zpl request. A .pdf asked for without a size
    is the label's own PDF, whichever size it has (a carrier may print its label in 10x15 cm only)."""
    if extension == "zpl":
        return "zpl"
    if not (size or "").strip() and label is not None:
        return label_pdf_kind(label=label)
    kind = PDF_SIZES.get((size or "a6").strip().lower())
    if kind is None:
        raise BadRequest("size must be a6 or 4x6")
    return kind


def label_file_response(*, label: Label | None, kind: str) -> HttpResponseBase:
    """The file as an attachment named after the RMA number, or a 404 when the label is not ready or has no file in
    that format (the carrier did not give it)."""
    if not label_is_downloadable(label=label) or label is None or not getattr(label, kind):
        raise Http404
    return_request = label.return_request
    if return_request is None:
        raise Http404
    # Addresses and a live tracking number: kept out of every cache and search engine (field_file_response).
    return field_file_response(
        field_file=getattr(label, kind),
        content_type=CONTENT_TYPES[kind],
        filename=f"{return_request.rma_number}{FILENAME_SUFFIXES[kind]}",
    )


@require_safe
def label_file_staff_view(request: HttpRequest, public_id: uuid.UUID, extension: str) -> HttpResponseBase:
    """A label file for staff: superusers and agents see all, shop and warehouse staff their sites' (else 404)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    label = label_get_for_staff(user=request.user, public_id=public_id)
    kind = label_file_kind(extension=extension, size=request.GET.get("size"), label=label)
    return label_file_response(label=label, kind=kind)
