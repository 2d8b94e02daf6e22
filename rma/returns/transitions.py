"""A return's status changes: lock the row, check the lifecycle, save, write the event, react.

``return_request_transition`` is the door every app uses. ``transition_apply`` is the same change on a row the
caller already holds locked (a return it created in this transaction): no second lock, no savepoint.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import InvalidTransition
from rma.core.prefetched import prefetched_append, prefetched_get, prefetched_set
from rma.orders.models import OrderLine
from rma.returns.choices import ReturnStatus
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.returns.reactions import StatusChange
from rma.returns.reactions import run as reactions_run
from rma.returns.reactions import run_many as reactions_run_many
from rma.returns.states import RELEASING_STATUSES, can_transition

# Who makes the change: a signed-in user, or None for the system.
Actor = User | None


def actor_label_for(actor: Actor, fallback: str) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else fallback


def _event_actor(actor: Actor) -> User | None:
    """The user an event records as its actor (none for the system or an anonymous user)."""
    return actor if actor is not None and actor.is_authenticated else None


def _related_rows_keep(*, source: ReturnRequest, target: ReturnRequest) -> None:
    """Give `target` (the same row, read again under lock) the related rows `source` already loaded.

    The order, the drop-off point and the warehouses do not change with a status: the reactions (messages, label)
    read them from the instance, and would otherwise read each of them again.
    """
    for field in ReturnRequest._meta.concrete_fields:
        if not field.is_relation or not field.is_cached(source):  # type: ignore[attr-defined]
            continue
        if getattr(source, field.attname) == getattr(target, field.attname):
            field.set_cached_value(target, field.get_cached_value(source))  # type: ignore[attr-defined]


@transaction.atomic
def return_request_transition(
    *,
    return_request: ReturnRequest,
    to: str,
    actor: Actor = None,
    note: str = "",
    actor_label: str = "",
    customer_told: bool = False,
    reason: str = "",
) -> ReturnRequest:
    """The one door for status changes: lock the row, check the lifecycle, save, write the event, react.

    A concurrent caller waits for the lock, then sees the new status and is refused if its move
    no longer fits the lifecycle. `customer_told`: the caller told the customer of this move (no email of ours).
    `note` is for staff; `reason` is what the customer is told (tracking page, email).
    """
    locked = return_request_qs_select_for_update().get(pk=return_request.pk)
    _related_rows_keep(source=return_request, target=locked)
    # A timeline the caller holds (a return it just created) gets this move's event too.
    events = prefetched_get(instance=return_request, name="events")
    if events is not None:
        prefetched_set(instance=locked, name="events", rows=events)
    update_fields = transition_apply(
        locked=locked,
        to=to,
        actor=actor,
        note=note,
        actor_label=actor_label,
        customer_told=customer_told,
        reason=reason,
    )
    # Keep the caller's instance in step with the database.
    for name in update_fields:
        setattr(return_request, name, getattr(locked, name))
    if events is not None:
        prefetched_set(
            instance=return_request, name="events", rows=prefetched_get(instance=locked, name="events") or []
        )
    return return_request


def transition_apply(
    *,
    locked: ReturnRequest,
    to: str,
    actor: Actor = None,
    note: str = "",
    actor_label: str = "",
    customer_told: bool = False,
    reason: str = "",
) -> list[str]:
    """Move `locked` (a row this transaction holds locked) to `to`; returns the fields it saved.

    Must run inside the caller's transaction: the event and whatever the reactions write commit with the change.
    """
    source = locked.status
    update_fields = _status_set(return_request=locked, to=to, now=timezone.now())
    locked.save(update_fields=update_fields)
    if to in RELEASING_STATUSES and source not in RELEASING_STATUSES:
        _release_quantities(return_request=locked)
    event = ReturnEvent.objects.create(
        return_request=locked,
        actor=_event_actor(actor),
        actor_label=actor_label or actor_label_for(actor, "system"),
        from_status=source,
        to_status=to,
        note=note,
        reason=reason,
    )
    prefetched_append(instance=locked, name="events", row=event)  # a timeline the caller holds stays whole
    # What follows (a label, messages): the reactions apps registered (rma.returns.reactions), in this transaction.
    reactions_run(
        StatusChange(
            return_request=locked,
            from_status=source,
            to_status=to,
            actor=actor,
            customer_told=customer_told,
            event=event,
        )
    )
    return update_fields


def transitions_apply(
    *,
    locked: Sequence[ReturnRequest],
    to: str,
    notes: Sequence[str],
    actor: Actor = None,
    actor_label: str = "",
) -> None:
    """`transition_apply` for several returns this transaction holds locked, all moved to `to` by `actor` (the
    system when None), each with its note: one UPDATE for the returns, one INSERT for their events, then the
    reactions (`run_many`).

    Must run inside the caller's transaction. Not for moves that give units back (cancelled, rejected, expired).
    """
    if to in RELEASING_STATUSES:
        raise ValueError(f"returns are not moved to {to} together")
    if not locked:
        return
    now = timezone.now()
    sources = [return_request.status for return_request in locked]
    for return_request in locked:
        update_fields = _status_set(return_request=return_request, to=to, now=now)
        return_request.updated_at = now
    # The fields a move sets depend on `to` and `now` only: the same values for every row.
    values = {name: getattr(locked[0], name) for name in update_fields}
    ReturnRequest.objects.filter(pk__in=[return_request.pk for return_request in locked]).update(**values)
    user = _event_actor(actor)
    label = actor_label or actor_label_for(actor, "system")
    events = ReturnEvent.objects.bulk_create(
        ReturnEvent(
            return_request=return_request, actor=user, actor_label=label, from_status=source, to_status=to, note=note
        )
        for return_request, source, note in zip(locked, sources, notes, strict=True)
    )
    changes = []
    for return_request, source, event in zip(locked, sources, events, strict=True):
        prefetched_append(instance=return_request, name="events", row=event)
        changes.append(
            StatusChange(return_request=return_request, from_status=source, to_status=to, actor=actor, event=event)
        )
    reactions_run_many(changes)


def _status_set(*, return_request: ReturnRequest, to: str, now: datetime) -> list[str]:
    """Set the status `to` and the times that go with it on the instance (checked against the lifecycle); the
    fields to save."""
    source = return_request.status
    if not can_transition(source, to):
        raise InvalidTransition(
            _("A return that is “%(source)s” cannot become “%(target)s”.")
            % {"source": ReturnStatus(source).label, "target": ReturnStatus(to).label},
            extra={"from": source, "to": to},
        )
    return_request.status = to
    return_request.status_changed_at = now
    update_fields = ["status", "status_changed_at", "updated_at"]
    if to == ReturnStatus.SUBMITTED:
        return_request.submitted_at = now
        update_fields.append("submitted_at")
    elif to == ReturnStatus.APPROVED:
        return_request.approved_at = now
        return_request.send_by = now + settings.RMA_SEND_DEADLINE
        update_fields += ["approved_at", "send_by"]
    elif to == ReturnStatus.RECEIVED:
        return_request.received_at = now  # the legal refund deadline counts from here
        update_fields.append("received_at")
    return update_fields


@dataclass(frozen=True)
class Move:
    """A status change planned for a return that is not inserted yet (see `moves_plan`)."""

    to: str
    actor: Actor = None
    actor_label: str = ""
    note: str = ""


@dataclass(frozen=True)
class PlannedMove:
    source: str
    move: Move


def moves_plan(*, new: ReturnRequest, moves: Sequence[Move]) -> list[PlannedMove]:
    """Apply `moves` to a return not inserted yet (checked against the lifecycle, their times set): it is then
    inserted in its last status, in one statement instead of an INSERT and an UPDATE per move. The events and
    reactions follow its insert (`moves_record`), in the same transaction: nothing outside sees the difference.

    Moves that give units back (cancelled, rejected, expired) are not for a return being created.
    """
    now = timezone.now()
    planned = []
    for move in moves:
        if move.to in RELEASING_STATUSES:
            raise ValueError(f"a return is not created {move.to}")
        planned.append(PlannedMove(source=new.status, move=move))
        _status_set(return_request=new, to=move.to, now=now)
    return planned


def moves_record(*, created: ReturnRequest, first: ReturnEvent, planned: Sequence[PlannedMove]) -> list[ReturnEvent]:
    """Write the creation's event `first` and those of the moves planned for `created` (now inserted) in one
    statement, then run each move's reactions in order, as `transition_apply` does; gives back the events."""
    events = ReturnEvent.objects.bulk_create(
        [
            first,
            *(
                ReturnEvent(
                    return_request=created,
                    actor=_event_actor(step.move.actor),
                    actor_label=step.move.actor_label or actor_label_for(step.move.actor, "system"),
                    from_status=step.source,
                    to_status=step.move.to,
                    note=step.move.note,
                )
                for step in planned
            ),
        ]
    )
    prefetched_set(instance=created, name="events", rows=events)
    for step, event in zip(planned, events[1:], strict=True):
        reactions_run(
            StatusChange(
                return_request=created,
                from_status=step.source,
                to_status=step.move.to,
                actor=step.move.actor,
                event=event,
            )
        )
    return events


def order_lines_quantities_add(*, quantities: dict[int, int]) -> None:
    """Add `quantities` (by order line pk; negative to give units back) to the lines' units in returns, in one
    statement whatever the number of lines."""
    if not quantities:
        return
    if len(quantities) == 1:
        ((pk, quantity),) = quantities.items()
        OrderLine.objects.filter(pk=pk).update(quantity_in_returns=F("quantity_in_returns") + quantity)
        return
    OrderLine.objects.filter(pk__in=quantities).update(
        quantity_in_returns=F("quantity_in_returns")
        + Case(*(When(pk=pk, then=Value(quantity)) for pk, quantity in quantities.items()), default=Value(0))
    )


def _release_quantities(*, return_request: ReturnRequest) -> None:
    quantities: dict[int, int] = {}
    for line in return_request.lines.all():
        quantities[line.order_line_id] = quantities.get(line.order_line_id, 0) - line.quantity
    order_lines_quantities_add(quantities=quantities)
