"""What follows a return's status change, wired explicitly: a registry of reactions, run inside the transaction.

Each app registers its reactions in its ``AppConfig.ready()`` (``register``): returns writes the outbox messages
(rma.returns.apps), shipping requests or voids the label (rma.shipping.apps). ``return_request_transition`` calls
``run`` after the event is written, inside its transaction, so whatever a reaction writes commits or rolls back
with the change. Reactions run in the order they were registered (the order of INSTALLED_APPS).

The messages need facts that apps above returns own (the label's tracking number, the refund released, the
exchange requested, the store credit issued): those apps provide them (``provide``) in their
``ready()`` too, instead of returns looking their models up by name.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from rma.returns.models import ReturnEvent, ReturnRequest


@dataclass(frozen=True)
class StatusChange:
    """A return that just moved from one status to another (its row saved, its event written)."""

    return_request: ReturnRequest
    from_status: str
    to_status: str
    actor: User | None = None
    # The cause of the move already told the customer (the shop counter's receipt): no email of ours.
    customer_told: bool = False
    # The event just written for this move (its reason is what the customer is told).
    event: ReturnEvent | None = None


Reaction = Callable[[StatusChange], None]
# The same reaction to several changes at once (set-based: its writes in a statement or two, whatever their number).
ManyReaction = Callable[[Sequence[StatusChange]], None]

_reactions: list[Reaction] = []
_many: dict[Reaction, ManyReaction] = {}


def register(reaction: Reaction, *, many: ManyReaction | None = None) -> Reaction:
    """Run `reaction` on every status change from now on (once, however often it is registered); `many`, when
    given, is what `run_many` calls instead with all its changes at once."""
    if reaction not in _reactions:
        _reactions.append(reaction)
    if many is not None:
        _many[reaction] = many
    return reaction


def unregister(reaction: Reaction) -> None:
    """Stop running `reaction` (for tests)."""
    if reaction in _reactions:
        _reactions.remove(reaction)
    _many.pop(reaction, None)


def run(change: StatusChange) -> None:
    """Run every registered reaction on `change`, in registration order (inside the caller's transaction)."""
    for reaction in list(_reactions):
        reaction(change)


def run_many(changes: Sequence[StatusChange]) -> None:
    """Run every registered reaction on `changes` (moves of different returns), in registration order: a reaction
    registered with a `many` form gets them all at once, another one each in turn."""
    for reaction in list(_reactions):
        many = _many.get(reaction)
        if many is not None:
            many(changes)
            continue
        for change in changes:
            reaction(change)


def registered() -> tuple[Reaction, ...]:
    return tuple(_reactions)


@dataclass(frozen=True)
class RefundFacts:
    amount: str
    currency: str
    method: str


@dataclass(frozen=True)
class StoreCreditFacts:
    code: str
    amount: str
    currency: str
    moment: str  # rma.returns.choices.StoreCreditMoment
    issued_at: str


@dataclass
class ReturnFacts:
    """Facts about a return that apps above returns own, each provided by that app (None/False until then)."""

    tracking_number: Callable[[ReturnRequest], str | None] = lambda return_request: None
    refund: Callable[[ReturnRequest], RefundFacts | None] = lambda return_request: None
    exchange_lines: Callable[[ReturnRequest], list[dict[str, Any]] | None] = lambda return_request: None
    store_credit: Callable[[ReturnRequest], StoreCreditFacts | None] = lambda return_request: None


facts = ReturnFacts()


def provide(
    *,
    tracking_number: Callable[[ReturnRequest], str | None] | None = None,
    refund: Callable[[ReturnRequest], RefundFacts | None] | None = None,
    exchange_lines: Callable[[ReturnRequest], list[dict[str, Any]] | None] | None = None,
    store_credit: Callable[[ReturnRequest], StoreCreditFacts | None] | None = None,
) -> None:
    """Set the providers of some facts (called from the owning app's ``AppConfig.ready``)."""
    if tracking_number is not None:
        facts.tracking_number = tracking_number
    if refund is not None:
        facts.refund = refund
    if exchange_lines is not None:
        facts.exchange_lines = exchange_lines
    if store_credit is not None:
        facts.store_credit = store_credit
