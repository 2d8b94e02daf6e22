"""Colissimo's refusals, read as ours: what the customer can fix, what a retry may fix, and the rest.

Sources: the error code tables of La Poste Colissimo's "Colissimo Shipping Web Service" technical document
(August 2021 version, appendix "Codes d'erreur": Affranchissement 30000-40018, Choix de livraison 101-1000;
https://www.colissimo.entreprise.laposte.fr, Espace développeurs), with the SLS OpenAPI's statuses (400 functional
error, 403 refused access, 422 malformed JSON, 500 technical error). Every message carries {"id", "type",
"messageContent"}; "0" (type INFOS) means success.

On a return label the *sender* ("expéditeur") is the customer and the *addressee* ("destinataire") is our
warehouse: a refused sender field is something the customer can correct; a refused addressee field is our own
configuration (the carrier account's return address) and goes to the staff as a permanent error.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from rma.shipping.carriers.base import CarrierError, CarrierInputError, CarrierUnavailable

# Sender (the customer) ids, by our code.
SENDER_POSTCODE_IDS = frozenset({"30106", "30107", "30108", "30109"})
SENDER_ADDRESS_IDS = frozenset({"30100", "30102", "30103", "30104", "30600"})
SENDER_NAME_IDS = frozenset({"30065", "30043"})
SENDER_PHONE_IDS = frozenset({"30047", "30085"})
SENDER_EMAIL_IDS = frozenset({"30045", "30046"})
# Collection from the customer's letterbox ("dépôt en boîte aux lettres") refused for this address.
MAILBOX_IDS = frozenset({"30804", "30805", "30807", "30810", "30812", "30816"})
# "Service momentanément indisponible".
UNAVAILABLE_IDS = frozenset({"40015"})

# Point search ("Choix de livraison") error codes: the searched place is not one the service can read.
POINT_POSTCODE_CODES = frozenset({104, 125, 143, 144, 145})
POINT_ADDRESS_CODES = frozenset({105, 117, 129, 146})  # town, country code, address, country not served
POINT_NONE_CODES = frozenset({300, 301})  # no point after the business rules / none found: an empty answer
POINT_SYSTEM_CODES = frozenset({1000})  # "Erreur système (erreur technique)"


def _customer_message(code: str) -> str:
    messages = {
        "postcode_unknown": _(
            "La Poste does not recognise the postcode of your address. Please check your postcode and town."
        ),
        "address_invalid": _(
            "La Poste could not read your address. Please check the street, the town and the country "
            "(letters, digits and simple punctuation only)."
        ),
        "name_required": _("La Poste needs your name to print the label. Please add it to your address."),
        "phone_invalid": _("La Poste could not read your phone number. Please check it, for example 06 12 34 56 78."),
        "email_invalid": _("La Poste could not read your email address. Please check it."),
        "pickup_unavailable": _(
            "La Poste cannot collect a parcel from the letterbox at this address. Please choose another way to "
            "send your parcel, such as a post office or a relay point."
        ),
    }
    return messages[code]


def customer_error(*, code: str, message: str, carrier_code: str, language: str) -> CarrierInputError:
    """A CarrierInputError whose customer message is in the customer's language."""
    with translation.override(language or None):
        customer_message = _customer_message(code)
    return CarrierInputError(message, code=code, customer_message=customer_message, carrier_code=carrier_code)


def _our_code(message_id: str) -> str:
    for ids, code in (
        (SENDER_POSTCODE_IDS, "postcode_unknown"),
        (SENDER_ADDRESS_IDS, "address_invalid"),
        (SENDER_NAME_IDS, "name_required"),
        (SENDER_PHONE_IDS, "phone_invalid"),
        (SENDER_EMAIL_IDS, "email_invalid"),
        (MAILBOX_IDS, "pickup_unavailable"),
    ):
        if message_id in ids:
            return code
    return ""


def sls_errors(messages: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The (id, text) of the ERROR messages of an SLS answer; INFOS and WARNING messages do not stop a label."""
    errors = []
    for message in messages:
        message_id = str(message.get("id", "")).strip()
        kind = str(message.get("type") or "ERROR").upper()
        if message_id and message_id != "0" and kind == "ERROR":
            errors.append((message_id, str(message.get("messageContent", "")).strip()))
    return errors


def sls_error(*, errors: list[tuple[str, str]], status: int, language: str) -> CarrierError:
    """The exception for a refused SLS call: the first customer-fixable error wins, then an outage, then the rest."""
    summary = "; ".join(f"{message_id} {text}" for message_id, text in errors) or f"HTTP {status}, no message"
    for message_id, _text in errors:
        if code := _our_code(message_id):
            return customer_error(
                code=code, message=f"colissimo refused: {summary}", carrier_code=message_id, language=language
            )
    if any(message_id in UNAVAILABLE_IDS for message_id, _text in errors):
        return CarrierUnavailable(f"colissimo is unavailable: {summary}")
    return CarrierError(f"colissimo refused (HTTP {status}): {summary}")
