"""The generateLabel request for a Colissimo Retour label, and which of our document slots each format fills.

Source: La Poste's SLS OpenAPI ("SlsServiceWS : documentation", schemas GenerateLabelRequest, OutputFormat, Letter,
Service, ParcelRequestV2, Sender, Addressee, Address; published with the Colissimo Box developer space and mirrored
in api-evangelist/la-poste openapi/_original/colissimo-shipping-openapi.json). What we rely on:
- productCode CORE ("Colissimo Retour France", 8R) for a customer in France or Monaco, CORI (Retour International,
  7R) from abroad; for CORE/CORI "the company name is mandatory for the recipient" (Address.companyName).
- depositDate "YYYY-MM-DD", not before today (error 30002); orderNumber AN1…30 ("returned in tracking
  information", shown as "réf. client" in Colissimo Box); senderParcelRef AN1…17 and addresseeParcelRef AN1…15 are
  printed on the label; codeBarForReference prints addresseeParcelRef as a barcode (CORE only).
- weight in kg, 0.01 to 30.00, at most 2 decimals; insuranceValue in cents.
- Address lines: line2 "number and street" (required), line3 "place said or other mention", 35 characters each;
  zipCode AN5 for France; phoneNumber AN10…12, mobileNumber up to 15 characters; language A2.
- mailBoxPicking true + mailBoxPickingDate (a date from getListMailBoxPickingDates) for a return collected from the
  customer's letterbox (CORE only, France only).
- outputPrintingType: PDF_10x15_300dpi, PDF_A4_300dpi, ZPL_10x15_203dpi, ZPL_10x15_300dpi (among others).
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rma.shipping.carriers.base import Address, LabelRequest

DEFAULT_FORMAT = "PDF_10x15_300dpi"
# Our document slot for each output format we accept (CarrierLabel.documents).
FORMAT_SLOTS = {
    "PDF_10x15_300dpi": "pdf_4x6",
    "PDF_A4_300dpi": "pdf",
    "ZPL_10x15_203dpi": "zpl",
    "ZPL_10x15_300dpi": "zpl",
}
# Colissimo Retour France is sold for customers in France (incl. Monaco, served by La Poste); elsewhere CORI.
DOMESTIC_COUNTRIES = frozenset({"FR", "MC"})
PRODUCT_FRANCE = "CORE"
PRODUCT_INTERNATIONAL = "CORI"
MAX_WEIGHT_KG = Decimal("30.00")
MIN_WEIGHT_KG = Decimal("0.01")
LINE = 35

_FRENCH_MOBILE = re.compile(r"^(?:\+33|0033|0)[67]\d{8}$")


def _cut(value: str, size: int = LINE) -> str:
    return " ".join(value.split())[:size]


def phone_fields(phone: str) -> dict[str, str]:
    """A French mobile goes in mobileNumber (SMS notices), any other number in phoneNumber; blanks are left out."""
    digits = re.sub(r"[\s.\-/()]", "", phone or "")
    if not digits:
        return {}
    if _FRENCH_MOBILE.match(digits):
        return {"mobileNumber": digits[:15]}
    return {"phoneNumber": digits[:15]}


def _address(address: Address, *, company: bool, language: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "line2": _cut(address.line1),
        "countryCode": address.country.upper(),
        "city": _cut(address.city),
        "zipCode": "".join(address.postcode.split()),
        **phone_fields(address.phone),
    }
    if company:
        fields["companyName"] = _cut(address.name)
    else:
        fields["lastName"] = _cut(address.name)
    if address.line2.strip():
        fields["line3"] = _cut(address.line2)
    if address.email.strip():
        fields["email"] = address.email.strip()[:80]
    if language:
        fields["language"] = language.upper()[:2]
    return fields


def product_code(*, request: LabelRequest, options: dict[str, Any]) -> str:
    """The account's product for this customer's country (options product_code / product_code_international)."""
    if request.sender.country.upper() in DOMESTIC_COUNTRIES:
        return str(options.get("product_code") or PRODUCT_FRANCE)
    return str(options.get("product_code_international") or PRODUCT_INTERNATIONAL)


def weight_kg(grams: int) -> float:
    """Grams as the kilograms Colissimo reads: 2 decimals, at least 0.01 kg (the cap is the carrier's to enforce)."""
    kilograms = (Decimal(max(grams, 0)) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(max(kilograms, MIN_WEIGHT_KG))


def label_format(options: dict[str, Any]) -> str:
    chosen = str(options.get("label_format") or DEFAULT_FORMAT)
    if chosen not in FORMAT_SLOTS:
        raise ValueError(f"colissimo: label_format {chosen!r} is not one of {', '.join(sorted(FORMAT_SLOTS))}")
    return chosen


def generate_label_body(
    *,
    request: LabelRequest,
    options: dict[str, Any],
    credentials: dict[str, str],
    deposit_date: date,
    mailbox_date: str = "",
) -> dict[str, Any]:
    """The JSON body of generateLabel for a return: the customer sends, the warehouse receives."""
    code = product_code(request=request, options=options)
    service: dict[str, Any] = {
        "productCode": code,
        "depositDate": deposit_date.isoformat(),
        "orderNumber": request.rma_number[:30],
        "commercialName": _cut(str(options.get("commercial_name") or request.recipient.name)),
    }
    if mailbox_date:
        service["mailBoxPicking"] = True
        service["mailBoxPickingDate"] = mailbox_date
    parcel: dict[str, Any] = {"weight": weight_kg(request.weight_grams)}
    if options.get("insure") and request.value_cents > 0:
        parcel["insuranceValue"] = int(request.value_cents)
    warehouse = _address(request.recipient, company=True, language="")
    # "Last name: mandatory to send a parcel unless zipcode is a Cedex code": the returns desk's contact, else the
    # warehouse's name again.
    warehouse["lastName"] = _cut(str(options.get("return_contact") or request.recipient.name))
    addressee: dict[str, Any] = {"addresseeParcelRef": request.rma_number[:15], "address": warehouse}
    if code == PRODUCT_FRANCE:
        addressee["codeBarForReference"] = True
    if options.get("service_info"):
        addressee["serviceInfo"] = _cut(str(options["service_info"]))
    body: dict[str, Any] = {
        "outputFormat": {"x": 0, "y": 0, "outputPrintingType": label_format(options)},
        "letter": {
            "service": service,
            "parcel": parcel,
            "sender": {
                "senderParcelRef": request.rma_number[:17],
                "address": _address(request.sender, company=False, language=request.language),
            },
            "addressee": addressee,
        },
    }
    if not credentials.get("api_key"):
        body["contractNumber"] = credentials.get("contract_number", "")
        body["password"] = credentials.get("password", "")
    return body


def mailbox_dates_body(*, request: LabelRequest, credentials: dict[str, str]) -> dict[str, Any]:
    """The JSON body of getListMailBoxPickingDates for the customer's address (France only)."""
    sender = request.sender
    body: dict[str, Any] = {
        "sender": {
            "line2": _cut(sender.line1),
            "city": _cut(sender.city),
            "zipCode": "".join(sender.postcode.split()),
            "countryCode": sender.country.upper(),
        }
    }
    if sender.line2.strip():
        body["sender"]["line3"] = _cut(sender.line2)
    if not credentials.get("api_key"):
        body["contractNumber"] = credentials.get("contract_number", "")
        body["password"] = credentials.get("password", "")
    return body
