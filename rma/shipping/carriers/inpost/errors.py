"""ShipX's refusals read as our carrier errors.

ShipX answers an error with `{"status": <http status>, "error": "<key>", "message": "...", "details": ...}`
(InPost ShipX API documentation, "Form validation" §HTTP Status codes and §Errors, page 18153492, and
"[1.23.0] API General Information", page 28639247: with `Accept-Language: keys` the messages are stable keys).
A refused form is `400` with `"error": "validation_failed"` and `details` naming each refused attribute, nested as
the form is: `{"sender": [{"phone": ["invalid"]}]}`, `{"sender": [{"address": [{"post_code": ["invalid"]}]}]}`,
`{"custom_attributes": [{"dropoff_point": ["does_not_exist"]}]}`.

On a return the customer is the *sender*: what they typed (phone, email, address, postcode) and the locker they
chose (dropoff_point) is theirs to fix, so it reads as CarrierInputError with words for them. A refused *receiver*
(our warehouse) or a refused target_point / service / parcel is our configuration: CarrierError.
"""

from collections.abc import Iterator
from typing import Any

import requests
from django.utils.translation import gettext as _

from rma.shipping.carriers.base import CarrierError, CarrierInputError


def _leaves(details: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every (attribute path, error key) in ShipX's nested `details`."""
    if isinstance(details, dict):
        for key, value in details.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(details, list):
        for value in details:
            if isinstance(value, dict | list):
                yield from _leaves(value, path)
            else:
                yield path, str(value)
    elif details is not None:
        yield path, str(details)


def _customer_error(path: tuple[str, ...], key: str) -> CarrierInputError | None:
    """The customer's part of a refused form, in words; None when it is not theirs to fix."""
    field = path[-1] if path else ""
    where = ".".join(path)
    if path[:1] == ("custom_attributes",) and field == "dropoff_point":
        return CarrierInputError(
            f"inpost refused dropoff_point: {key}",
            code="point_unavailable",
            customer_message=_(
                "InPost cannot take your parcel at the locker you chose. Please choose another locker or point."
            ),
            carrier_code=f"{where}:{key}",
        )
    if path[:1] != ("sender",):
        return None
    if field == "phone":
        return CarrierInputError(
            f"inpost refused the sender's phone: {key}",
            code="phone_required" if key in ("required", "blank") else "phone_invalid",
            customer_message=_(
                "InPost needs a mobile phone number to send you the locker code. Please check your phone number."
            ),
            carrier_code=f"{where}:{key}",
        )
    if field == "email":
        return CarrierInputError(
            f"inpost refused the sender's email: {key}",
            code="email_invalid",
            customer_message=_("InPost could not use your email address. Please check it."),
            carrier_code=f"{where}:{key}",
        )
    if field == "post_code":
        return CarrierInputError(
            f"inpost refused the sender's postcode: {key}",
            code="postcode_unknown",
            customer_message=_("InPost does not recognise your postcode. Please check it."),
            carrier_code=f"{where}:{key}",
        )
    return CarrierInputError(
        f"inpost refused the sender's {where}: {key}",
        code="address_invalid",
        customer_message=_("InPost could not read your name or address. Please check them."),
        carrier_code=f"{where}:{key}",
    )


def error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def raise_for_answer(response: requests.Response, *, action: str) -> None:
    """Raise the error a non-2xx ShipX answer means (retryable answers were already raised by CarrierHttp)."""
    if response.status_code < 400:
        return
    body = error_body(response)
    key = str(body.get("error") or response.status_code)
    message = f"inpost: {action} refused ({response.status_code} {key}): {body.get('message') or response.text[:300]}"
    if response.status_code == 400 and key == "validation_failed":
        leaves = list(_leaves(body.get("details")))
        customer = [error for path, leaf in leaves if (error := _customer_error(path, leaf)) is not None]
        # Only when everything refused is the customer's: a refused warehouse address needs us, not them.
        if customer and len(customer) == len(leaves):
            raise customer[0]
        raise CarrierError(f"{message}; details: {body.get('details')}")
    if response.status_code in (401, 403):
        raise CarrierError(f"{message}; check the account's token and organization_id")
    raise CarrierError(message)
