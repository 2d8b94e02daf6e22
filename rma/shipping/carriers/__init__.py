"""Carrier registry: look a carrier up by its code; the built-in carrier needs no settings."""

from collections.abc import Callable

from rma.shipping.carriers.base import (
    Address,
    Carrier,
    CarrierError,
    CarrierInputError,
    CarrierLabel,
    CarrierPoint,
    CarrierSettings,
    CarrierUnavailable,
    LabelRequest,
    PointSearch,
    TrackingEvent,
    TrackingStatus,
    TrackingUpdate,
    TrackingWebhooks,
)
from rma.shipping.carriers.builtin import BuiltinCarrier
from rma.shipping.carriers.colissimo import ColissimoCarrier
from rma.shipping.carriers.inpost import InPostCarrier
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier

__all__ = [
    "DEFAULT_CARRIER",
    "LOCAL_CARRIERS",
    "Address",
    "Carrier",
    "CarrierError",
    "CarrierInputError",
    "CarrierLabel",
    "CarrierPoint",
    "CarrierSettings",
    "CarrierUnavailable",
    "LabelRequest",
    "PointSearch",
    "TrackingEvent",
    "TrackingStatus",
    "TrackingUpdate",
    "TrackingWebhooks",
    "carrier_codes",
    "get_carrier",
]

DEFAULT_CARRIER = "builtin"
# Carriers whose labels are made on this machine, without a call out: the label worker makes them in batches
# (rma.shipping.services.label_batches). A carrier with an API is asked one label per task.
LOCAL_CARRIERS: frozenset[str] = frozenset({BuiltinCarrier.code})

# Adapters by carrier code. Each is built from a CarrierSettings (a carrier account's credentials and options); the
# built-in carrier needs none.
_FACTORIES: dict[str, Callable[[CarrierSettings], Carrier]] = {
    BuiltinCarrier.code: BuiltinCarrier,
    ColissimoCarrier.code: ColissimoCarrier,
    InPostCarrier.code: InPostCarrier,
    MondialRelayCarrier.code: MondialRelayCarrier,
}


def carrier_codes() -> list[str]:
    """Return the codes of the known carriers, sorted."""
    return sorted(_FACTORIES)


def get_carrier(code: str = DEFAULT_CARRIER, settings: CarrierSettings | None = None) -> Carrier:
    """Return a carrier adapter for `code`, set up with an account's `settings`; an unknown code is a permanent
    CarrierError."""
    try:
        factory = _FACTORIES[code]
    except KeyError:
        raise CarrierError(f"unknown carrier {code!r}; known: {', '.join(carrier_codes())}") from None
    return factory(settings or CarrierSettings())
