"""The lifecycles of labels and shipments as data: which status may follow which. Pure, no database."""

from rma.shipping.choices import LabelStatus as L
from rma.shipping.choices import ShipmentStatus as S

LABEL_TRANSITIONS: dict[str, frozenset[str]] = {
    # pending -> failed: the last retry failed; failed -> ready: the admin's retry, or a late task, made it.
    L.PENDING: frozenset({L.READY, L.FAILED, L.VOIDED}),
    L.FAILED: frozenset({L.PENDING, L.READY, L.VOIDED}),
    L.READY: frozenset({L.VOIDED}),
    L.VOIDED: frozenset(),
}

SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.CLOSED}),
    # closed -> received: the warehouse may receive a shipment whose pickup was never recorded.
    S.CLOSED: frozenset({S.DISPATCHED, S.RECEIVED, S.RECEIVED_WITH_DISCREPANCIES}),
    S.DISPATCHED: frozenset({S.RECEIVED, S.RECEIVED_WITH_DISCREPANCIES}),
    S.RECEIVED: frozenset(),
    S.RECEIVED_WITH_DISCREPANCIES: frozenset(),
}


def label_can_transition(source: str, target: str) -> bool:
    return target in LABEL_TRANSITIONS.get(source, frozenset())


def shipment_can_transition(source: str, target: str) -> bool:
    return target in SHIPMENT_TRANSITIONS.get(source, frozenset())
