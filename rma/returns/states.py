"""The return lifecycle as data: which status may follow which. Pure, no database."""

from rma.returns.choices import ReturnStatus as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_REVIEW, S.CANCELLED}),
    S.NEEDS_REVIEW: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    # approved -> in_transit: dropped at a shop counter before any label was made;
    # approved -> refunded: a returnless refund, the customer keeps the item.
    S.APPROVED: frozenset({S.LABEL_READY, S.IN_TRANSIT, S.REFUNDED, S.CANCELLED, S.EXPIRED}),
    S.LABEL_READY: frozenset({S.IN_TRANSIT, S.CANCELLED, S.EXPIRED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.INSPECTED}),
    S.INSPECTED: frozenset({S.REFUNDED, S.EXCHANGED, S.CLOSED}),
    S.REFUNDED: frozenset({S.CLOSED}),
    S.EXCHANGED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

# Statuses whose lines no longer hold units of the order.
RELEASING_STATUSES = frozenset({S.CANCELLED, S.REJECTED, S.EXPIRED})
CANCELLABLE_STATUSES = frozenset(s for s, targets in ALLOWED_TRANSITIONS.items() if S.CANCELLED in targets)
TERMINAL_STATUSES = frozenset(s for s, targets in ALLOWED_TRANSITIONS.items() if not targets)


def can_transition(source: str, target: str) -> bool:
    return target in ALLOWED_TRANSITIONS.get(source, frozenset())
