"""What a label says and how its files are made: the signed QR payload and the rendered PDF/ZPL files.

Pure: no storage, and no query beyond the label's account (the benchmark calls these too).
"""

from collections.abc import Callable, Iterable
from dataclasses import replace

from django.conf import settings
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.locations.choices import DropOffMethod
from rma.returns.models import ReturnRequest
from rma.shipping.carriers import DEFAULT_CARRIER, Address
from rma.shipping.models import Label
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl
from rma.shipping.services.accounts import account_return_address

# The files of a label, by the name of the Label field that holds each one.
LABEL_FORMATS: tuple[str, ...] = ("pdf", "pdf_4x6", "zpl")
_RENDERERS: dict[str, Callable[[LabelContent], bytes]] = {
    "pdf": lambda content: render_label_pdf(content=content, size="A6"),
    "pdf_4x6": lambda content: render_label_pdf(content=content, size="4x6"),
    "zpl": lambda content: render_label_zpl(content=content).encode(),
}
# The parts of the sender's address a customer may correct (Label.sender_address).
SENDER_FIELDS: tuple[str, ...] = ("name", "line1", "line2", "postcode", "city", "country", "phone")
_FILE_SUFFIXES = {"pdf": ".pdf", "pdf_4x6": "-4x6.pdf", "zpl": ".zpl"}
_QR_SALT = "rma.shipping.label_qr_payload"
_QR_PREFIX = "RMA"


class LabelError(DomainError):
    """A label cannot be made from this return as it is (a permanent failure, not worth retrying)."""

    code = "label_error"
    http_status = 409


# ---- QR payload for label-free drop-off


def _qr_signature(rma_number: str, secret: str | None = None) -> str:
    return salted_hmac(_QR_SALT, rma_number, secret=secret, algorithm="sha256").hexdigest()[:12].upper()


def label_qr_payload(*, rma_number: str) -> str:
    """The short signed code a drop-off point scans instead of a printed label, e.g. "RMA:R-7KQ2-M9XD:3F9A1C0B7D2E".

    It names the return without revealing its public id (which opens the customer's pages).
    """
    return f"{_QR_PREFIX}:{rma_number}:{_qr_signature(rma_number)}"


def label_qr_payload_verify(*, payload: str) -> str | None:
    """The RMA number a scanned QR payload stands for, or None when it is not one of ours."""
    prefix, _sep, rest = payload.strip().partition(":")
    rma_number, _sep, signature = rest.rpartition(":")
    if prefix != _QR_PREFIX or not rma_number or not signature:
        return None
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(signature.upper(), _qr_signature(rma_number, secret)):
            return rma_number
    return None


# ---- Content and rendering (pure: no database, no storage; the benchmark calls these too)


def carrier_display_name(*, code: str) -> str:
    """The name printed in the label's header: our brand for the built-in carrier."""
    if code == DEFAULT_CARRIER:
        return settings.RMA_BRAND_NAME
    return code.replace("_", " ").title()


def _reference_lines(return_request: ReturnRequest) -> tuple[str, ...]:
    method = return_request.drop_off_method
    lines = [str(DropOffMethod(method).label) if method in DropOffMethod.values else method]
    if method == DropOffMethod.HOME_PICKUP:
        if return_request.pickup_date:
            lines.append(f"{return_request.pickup_date:%d/%m/%Y} {return_request.pickup_slot}".strip())
    elif return_request.drop_off_point is not None:
        lines.append(return_request.drop_off_point.name)
    lines.append(_("Order %(number)s") % {"number": return_request.order.number})
    return tuple(line for line in lines if line)


def label_content_build(*, label: Label, return_request: ReturnRequest, tracking_number: str = "") -> LabelContent:
    """What a return's label shows: from the customer (order address) to the destination warehouse.

    For a shop drop-off the parcel is handed over at the counter, but it still travels to the warehouse.
    """
    order = return_request.order
    warehouse = return_request.destination_warehouse
    if warehouse is None:
        raise LabelError(_("The return has no destination warehouse."), code="no_destination_warehouse")
    sender = Address(
        name=return_request.contact_name or order.customer_name or order.customer_email,
        line1=order.address_line1,
        line2=order.address_line2,
        postcode=order.postcode,
        city=order.city,
        country=order.country,
        phone=order.customer_phone,
    )
    if label.sender_address:
        # The customer corrected the address the carrier refused (rma.shipping.services.label_fixes).
        corrected = {key: str(value) for key, value in label.sender_address.items() if key in SENDER_FIELDS}
        sender = replace(sender, **corrected)
    recipient = account_return_address(account=label.account) or Address(
        name=warehouse.name,
        line1=warehouse.address_line1,
        line2=warehouse.address_line2,
        postcode=warehouse.postcode,
        city=warehouse.city,
        country=warehouse.country,
        phone=warehouse.phone,
    )
    with translation.override(return_request.locale or settings.LANGUAGE_CODE):
        reference_lines = _reference_lines(return_request)
    return LabelContent(
        sender=sender,
        recipient=recipient,
        rma_number=return_request.rma_number,
        tracking_number=tracking_number,
        qr_payload=label.qr_payload or label_qr_payload(rma_number=return_request.rma_number),
        carrier_name=carrier_display_name(code=label.carrier),
        reference_lines=reference_lines,
    )


def label_render_files(*, content: LabelContent, formats: Iterable[str] = LABEL_FORMATS) -> dict[str, bytes]:
    """Render the label's files: {"pdf": A6 PDF, "pdf_4x6": 4x6 in PDF, "zpl": ZPL (UTF-8)}, or those asked for."""
    return {name: _RENDERERS[name](content) for name in formats}


def label_file_name(*, label: Label, kind: str) -> str:
    """The storage name of one of a label's files: the same every time, so a retry overwrites, never adds."""
    return f"labels/{label.public_id}{_FILE_SUFFIXES[kind]}"
