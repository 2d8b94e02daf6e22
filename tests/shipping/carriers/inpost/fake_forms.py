"""What the fake ShipX checks in a shipment form, and the documents it answers with.

Rules from InPost's ShipX documentation, "Form validation" (https://dokumentacja-inpost.atlassian.net/wiki/spaces/
PL/pages/18153492/Form+validation) and "Creating a shipment in the simplified mode":
- custom_attributes.target_point is required by the locker services (inpost_locker_standard, ...);
- sending_method takes parcel_locker, pok, pop, courier_pok, branch, dispatch_order or empty, and dropoff_point is
  required with parcel_locker, pok and courier_pok;
- a locker shipment needs the receiver's phone and email; the sender may be left out (the organization's data
  is used), but what is given is checked; parcels: 1 to 1000, a template or dimensions + weight.
The error body is the documented `{"status": 400, "error": "validation_failed", "message", "details"}` with the
refused attributes nested as the form is. Two simplifications of ours, said here: a phone is 9 to 15 digits
(ShipX PL wants 9), and a postcode is "NN-NNN" (PL) or "NNNNN" (FR) unless the test lists it as unknown.
"""

import io
import re
from datetime import UTC, datetime
from typing import Any

from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

LOCKER_SERVICES = frozenset({"inpost_locker_standard", "inpost_locker_allegro", "inpost_locker_pass_thru"})
SERVICES = LOCKER_SERVICES | {"inpost_courier_standard", "inpost_courier_c2c", "inpost_courier_express_1000"}
SENDING_METHODS = frozenset({"parcel_locker", "pok", "pop", "courier_pok", "branch", "dispatch_order", ""})
NEEDS_DROPOFF = frozenset({"parcel_locker", "pok", "courier_pok"})
TEMPLATES = frozenset({"small", "medium", "large"})
SIZES = {"small": "A", "medium": "B", "large": "C"}
_PHONE = re.compile(r"^\+?\d{9,15}$")
_POSTCODES = {"PL": re.compile(r"^\d{2}-\d{3}$"), "FR": re.compile(r"^\d{5}$")}

VALIDATION_MESSAGE = "There are some validation errors. Check details object for more info."


def now_text() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="milliseconds")


def error(status: int, key: str, message: str, details: Any = None) -> tuple[int, dict[str, Any]]:
    return status, {"status": status, "error": key, "message": message, "details": details}


def _party_errors(party: Any, *, role: str, locker: bool, unknown_postcodes: set[str]) -> dict[str, Any]:
    if not isinstance(party, dict):
        return {"address": ["required"]} if role == "receiver" else {}
    found: dict[str, Any] = {}
    email = str(party.get("email") or "")
    phone = str(party.get("phone") or "")
    # The receiver of a locker parcel gets its code by text and email: both required. Anything given is checked.
    if locker and role == "receiver":
        if not email:
            found["email"] = ["required"]
        if not phone:
            found["phone"] = ["required"]
    if email and "@" not in email:
        found["email"] = ["invalid"]
    if phone and not _PHONE.match(phone):
        found["phone"] = ["invalid"]
    if not (party.get("first_name") or party.get("company_name")):
        found["first_name"] = ["required"]
    address = party.get("address") or {}
    address_errors: dict[str, list[str]] = {}
    if not (address.get("street") or address.get("line1")):
        address_errors["street"] = ["required"]
    if address.get("street") and not address.get("building_number"):
        address_errors["building_number"] = ["required"]
    if not address.get("city"):
        address_errors["city"] = ["required"]
    post_code = str(address.get("post_code") or "")
    pattern = _POSTCODES.get(str(address.get("country_code") or "PL"))
    if not post_code:
        address_errors["post_code"] = ["required"]
    elif post_code in unknown_postcodes or (pattern is not None and not pattern.match(post_code)):
        address_errors["post_code"] = ["invalid"]
    if address_errors:
        found["address"] = [address_errors]
    return found


def shipment_errors(
    body: Any, *, points: dict[str, dict[str, Any]], unknown_postcodes: set[str]
) -> dict[str, Any] | None:
    """The `details` of a refused shipment form, or None when ShipX would take it."""
    if not isinstance(body, dict):
        return {"shipment": ["invalid"]}
    details: dict[str, Any] = {}
    service = body.get("service")
    if service not in SERVICES:
        details["service"] = ["invalid"]
    locker = service in LOCKER_SERVICES
    custom = body.get("custom_attributes") or {}
    custom_errors: dict[str, list[str]] = {}
    if locker:
        target = custom.get("target_point")
        if not target:
            custom_errors["target_point"] = ["required"]
        elif target not in points:
            custom_errors["target_point"] = ["does_not_exist"]
    method = str(custom.get("sending_method") or "")
    if method not in SENDING_METHODS:
        custom_errors["sending_method"] = ["invalid"]
    elif method in NEEDS_DROPOFF:
        dropoff = custom.get("dropoff_point")
        point = points.get(str(dropoff)) if dropoff else None
        if not dropoff:
            custom_errors["dropoff_point"] = ["required"]
        elif point is None:
            custom_errors["dropoff_point"] = ["does_not_exist"]
        elif point.get("status") != "Operating" or "parcel_send" not in point.get("functions", []):
            custom_errors["dropoff_point"] = ["invalid_box_machine_function"]
    if custom_errors:
        details["custom_attributes"] = [custom_errors]
    for role in ("sender", "receiver"):
        found = _party_errors(body.get(role), role=role, locker=locker, unknown_postcodes=unknown_postcodes)
        if found:
            details[role] = [found]
    parcels = body.get("parcels")
    if not isinstance(parcels, list) or not 1 <= len(parcels) <= 1000:
        details["parcels"] = ["invalid"]
    elif any(parcel.get("template") not in TEMPLATES for parcel in parcels if isinstance(parcel, dict)):
        details["parcels"] = [{"template": ["invalid"]}]
    return details or None


def point_document(*, url: str, name: str) -> dict[str, Any]:
    """A point as GET /v1/points lists it ("[1.23.0] Points", page 28639230): a parcel locker open 24/7."""
    return {
        "href": f"{url}/v1/points/{name}",
        "name": name,
        "type": ["parcel_locker"],
        "status": "Operating",
        "location": {"latitude": 50.03988, "longitude": 19.92485},
        "location_type": "Outdoor",
        "location_description": "przy sklepie",
        "location_description_1": None,
        "location_description_2": None,
        "distance": None,
        "opening_hours": "24/7",
        "address": {"line1": "Kapelanka 14", "line2": "30-347 Kraków"},
        "address_details": {
            "city": "Kraków",
            "province": "małopolskie",
            "post_code": "30-347",
            "street": "Kapelanka",
            "building_number": "14",
            "flat_number": None,
        },
        "phone_number": None,
        "payment_point_descr": None,
        "functions": ["parcel_collect", "parcel_send", "parcel_reverse_return_send"],
        "partner_id": 0,
        "is_next": False,
        "payment_available": True,
        "payment_type": {"0": "Payments are not supported"},
        "virtual": "0",
        "recommended_low_interest_box_machines_list": None,
        "location_247": True,
        "operating_hours_extended": {"customer": None},
        "agency": "KRA",
        "image_url": f"https://static.easypack24.net/points/pl/images/{name}.jpg",
        "easy_access_zone": False,
        "physical_type": "newfm",
    }


def label_pdf(*, tracking_number: str, reference: str, label_type: str) -> bytes:
    """A one-page label as the carrier's would look: its name, the number in words and as a Code 128 barcode."""
    size = (105 * mm, 148 * mm) if label_type == "A6" else (210 * mm, 297 * mm)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=size)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(8 * mm, size[1] - 16 * mm, "InPost")
    page.setFont("Helvetica", 9)
    page.drawString(8 * mm, size[1] - 24 * mm, f"Ref. {reference}")
    barcode = code128.Code128(tracking_number, barHeight=18 * mm, barWidth=0.3 * mm)
    barcode.drawOn(page, 5 * mm, size[1] - 60 * mm)
    page.drawString(8 * mm, size[1] - 66 * mm, tracking_number)
    page.showPage()
    page.save()
    return buffer.getvalue()


def label_zpl(*, tracking_number: str, reference: str) -> bytes:
    return (
        "^XA^CI28\n^FO40,40^A0N,50,50^FDInPost^FS\n"
        f"^FO40,110^A0N,28,28^FDRef. {reference}^FS\n"
        f"^FO40,170^BY3^BCN,160,Y,N,N^FD{tracking_number}^FS\n^XZ\n"
    ).encode()
