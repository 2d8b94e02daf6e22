"""Carrier registry: look a carrier up by its code; the built-in carrier needs no settings."""

from collections.abc import Callable

from rma.shipping.carriers.base import (
    Address,
    Carrier,
    CarrierError,
    CarrierLabel,
    CarrierUnavailable,
    LabelRequest,
    TrackingEvent,
)
from rma.shipping.carriers.builtin import BuiltinCarrier

__all__ = [
    "DEFAULT_CARRIER",
    "Address",
    "Carrier",
    "CarrierError",
    "CarrierLabel",
    "CarrierUnavailable",
    "LabelRequest",
    "TrackingEvent",
    "carrier_codes",
    "get_carrier",
]

DEFAULT_CARRIER = "builtin"

_FACTORIES: dict[str, Callable[[], Carrier]] = {
    BuiltinCarrier.code: BuiltinCarrier,
}


def carrier_codes() -> list[str]:
    """Return the codes of the known carriers, sorted."""
    return sorted(_FACTORIES)


def get_carrier(code: str = DEFAULT_CARRIER) -> Carrier:
    """Return a carrier instance for `code`; an unknown code is a permanent CarrierError."""
    try:
        factory = _FACTORIES[code]
    except KeyError:
        raise CarrierError(f"unknown carrier {code!r}; known: {', '.join(carrier_codes())}") from None
    return factory()
