"""The return label as the portal shows it (its status, download link and QR code), and its download."""

import uuid
from typing import Any

import segno
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from rma.locations.choices import DropOffMethod
from rma.portal.label_fix import sender_address_form
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.selectors import label_formats, label_get_for_return
from rma.shipping.services import label_needs_customer_fix
from rma.shipping.views import label_file_kind, label_file_response


def _label_of(return_request: ReturnRequest):
    try:
        return return_request.label
    except (ObjectDoesNotExist, AttributeError):
        return None


def _printable(formats: list[str]) -> bool:
    """Ready to print: a PDF exists (ours, or the carrier's in whichever size it gave)."""
    return "pdf" in formats or "pdf_4x6" in formats


def label_state(return_request: ReturnRequest) -> str:
    """ "ready", "failed" or "pending": what the pages poll for, read as `label_context` reads it (without the QR
    code, the download links or the address form it also makes)."""
    label = _label_of(return_request)
    status = getattr(label, "status", "") if label is not None else ""
    if status == "ready" and _printable(label_formats(label=label)):
        return "ready"
    return "failed" if status == "failed" else "pending"


def label_context(return_request: ReturnRequest) -> dict[str, Any]:
    """Label status, download URL and QR code, or "being prepared" (also before the labels app exists)."""
    label = _label_of(return_request)
    status = getattr(label, "status", "") if label is not None else ""
    formats = label_formats(label=label) if status == "ready" else []
    ready = _printable(formats)
    url: str | None
    zpl_url: str | None
    try:
        url = reverse("customer-label-pdf", kwargs={"public_id": return_request.public_id})
        zpl_url = reverse("customer-label-zpl", kwargs={"public_id": return_request.public_id})
    except NoReverseMatch:
        url = zpl_url = None
    qr_svg = ""
    qr_payload = str(getattr(label, "qr_payload", None) or "")
    # A label booked through a carrier account is scanned by that carrier's points: our QR code only helps at our
    # own shops' counters.
    from_carrier = bool(getattr(label, "account_id", None))
    if ready and qr_payload and (not from_carrier or return_request.drop_off_method == DropOffMethod.STORE):
        qr = segno.make(qr_payload, error="m")
        qr_svg = mark_safe(  # noqa: S308 - segno's own SVG, no user input in markup
            qr.svg_inline(scale=5, dark="#000000", light="#ffffff", title=gettext("QR code of your return"))
        )
    expects_label = return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY) and not (
        return_request.returnless
    )
    label_fix = None
    if label is not None and label_needs_customer_fix(label=label):
        label_fix = sender_address_form(label=label, return_request=return_request)
    return {
        "label": label,
        "label_fix": label_fix,
        "label_customer_error": label.customer_error if label_fix is not None and label is not None else "",
        "label_ready": ready,
        "label_failed": status == "failed",
        "label_url": url if ready else None,
        "label_zpl_url": zpl_url if ready and "zpl" in formats else None,
        "label_tracking_number": getattr(label, "tracking_number", "") if ready else "",
        "label_qr_svg": qr_svg,
        "label_from_carrier": from_carrier,
        "label_pending": expects_label and not ready and status != "failed",
    }


@require_safe
def label_file_customer_view(request: HttpRequest, public_id: uuid.UUID, extension: str) -> HttpResponseBase:
    """A label file for the customer, by the return's public id (the link in their email; no login)."""
    label = label_get_for_return(return_public_id=public_id)
    kind = label_file_kind(extension=extension, size=request.GET.get("size"), label=label)
    return label_file_response(label=label, kind=kind)
