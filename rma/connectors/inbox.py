"""Webhook deliveries from shop platforms: verified, stored as received, then mapped to our orders by a worker.

Receiving answers only after the delivery's row is committed, and does nothing else: the platform's retries
and our worker do the rest. Processing locks the row, so a delivery is applied by one worker at a time, and a
processed delivery is never applied again. What cannot be understood is kept with its error (``failed``) and
can be processed again from the admin once the cause is fixed; an event about an order not received yet stays
pending and is tried again by the sweeper, up to ``MAX_ATTEMPTS``.
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from rma.connectors.choices import InboxStatus
from rma.connectors.models import InboxDelivery, ShopConnection
from rma.connectors.orders_in import OrderNotYetKnown, order_event_apply, order_event_resolve
from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import OrderEvent, PlatformError, WebhookIgnored
from rma.core.retries import TRANSIENT_DATABASE_ERRORS
from rma.orders.models import Order

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
ERROR_MAX_CHARS = 4000
# A pending delivery not processed after this long is handed to the broker again by the sweeper.
STALE_AFTER = timedelta(seconds=60)
EARLY_TOLERANCE_SECONDS = 0.5


class SignatureInvalid(Exception):
    """The delivery's signature is missing or does not match the connection's webhook secret."""


@dataclass(frozen=True)
class Received:
    delivery: InboxDelivery | None  # None: a ping, nothing stored
    created: bool


def delivery_receive(*, connection: ShopConnection, headers: Mapping[str, str], body: bytes) -> Received:
    """Verify a delivery and store it once (the platform's delivery id dedupes); the caller answers 200 after,
    and hands a new delivery to the worker (when the broker is down, the sweeper hands it over later)."""
    connector = connector_for(connection)
    # Without a secret anyone could sign: a connection with none accepts no webhook at all. (Shopify apps may sign
    # with their client secret, kept as the API secret; each connector refuses an empty key too.)
    has_secret = connection.credential("webhook_secret") or connection.credential("api_secret")
    if not has_secret or not connector.webhook_verify(headers=headers, body=body):
        raise SignatureInvalid
    try:
        identity = connector.webhook_identify(headers=headers, body=body)
    except WebhookIgnored:
        return Received(None, False)
    delivery, created = InboxDelivery.objects.get_or_create(
        connection=connection,
        delivery_id=identity.delivery_id[:200],
        defaults={"topic": identity.topic[:100], "body": body.decode("utf-8", errors="replace")},
    )
    return Received(delivery, created)


def delivery_process(*, delivery_id: int) -> str:
    """Map one stored delivery to our orders; returns its status afterwards ("pending": it is to be tried again,
    see ``delivery_retry_in``).

    Three steps, so that no transaction stays open while the shop is asked: claim the delivery under its row lock
    (an attempt is counted; a duplicate task arriving meanwhile finds it not due), read the event and ask the shop
    what it needs (outside any transaction), then apply it under the row lock again, in a savepoint, unless the
    delivery was finished or put back meanwhile.
    """
    claimed = _claim(delivery_id)
    if isinstance(claimed, str):
        return claimed
    outcome = _read(claimed)
    with transaction.atomic():
        delivery = InboxDelivery.objects.select_for_update().select_related("connection").get(pk=delivery_id)
        if delivery.status != InboxStatus.PENDING or delivery.attempts != claimed.attempts:
            return str(delivery.status)  # finished, or put back by the admin, while the shop was asked
        if isinstance(outcome, Outcome):
            status, error, order = outcome
        else:
            status, error, order = _apply(delivery, outcome)
        delivery.status, delivery.error = status, error
        if delivery.status != InboxStatus.PENDING:
            delivery.processed_at = timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = InboxStatus.FAILED
            delivery.processed_at = timezone.now()
        delivery.order = order or delivery.order
        delivery.save(update_fields=["status", "error", "processed_at", "order", "updated_at"])
    log = logger.warning if delivery.status == InboxStatus.FAILED else logger.info
    log("shop delivery %s (%s) %s %s", delivery.pk, delivery.topic, delivery.status, delivery.error[:200])
    return str(delivery.status)


class Outcome(NamedTuple):
    status: str
    error: str
    order: Order | None


def _claim(delivery_id: int) -> InboxDelivery | str:
    """The delivery, its attempt counted, when it is pending and due; else why not ("busy", "not_due"…)."""
    with transaction.atomic():
        delivery = (
            InboxDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("connection")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy" if InboxDelivery.objects.filter(pk=delivery_id).exists() else "missing"
        if delivery.status != InboxStatus.PENDING:
            return str(delivery.status)
        if delivery.attempts and timezone.now() < delivery.updated_at + timedelta(
            seconds=_backoff(delivery.attempts) - EARLY_TOLERANCE_SECONDS
        ):
            return "not_due"  # a retry that came early, or a duplicate task while another maps it
        delivery.attempts = min(delivery.attempts + 1, 32767)
        delivery.save(update_fields=["attempts", "updated_at"])
    return delivery


def _read(delivery: InboxDelivery) -> OrderEvent | None | Outcome:
    """The delivery's event, with what it needs from the shop; or the outcome when that fails."""
    try:
        payload = json.loads(delivery.body)
        event = connector_for(delivery.connection).delivery_map(topic=delivery.topic, payload=payload)
        if event is None:
            return None
        return order_event_resolve(connection=delivery.connection, event=event)
    except Exception as exc:  # noqa: BLE001 - sorted by _outcome: kept with its error, never lost
        return _outcome(exc)


def _apply(delivery: InboxDelivery, event: OrderEvent | None) -> Outcome:
    """Apply the event in a savepoint, so that a refusal writes nothing."""
    if event is None:
        return Outcome(InboxStatus.IGNORED, "", None)
    try:
        with transaction.atomic():
            applied = order_event_apply(connection=delivery.connection, event=event)
    except Exception as exc:  # noqa: BLE001 - sorted by _outcome: kept with its error, never lost
        return _outcome(exc)
    status = InboxStatus.IGNORED if applied.outcome in ("stale", "own_refund", "ignored") else InboxStatus.PROCESSED
    note = {"stale": "Older than the update already applied.", "own_refund": "Our own refund, echoed by the shop."}
    return Outcome(status, note.get(applied.outcome, ""), applied.order)


def _outcome(exc: Exception) -> Outcome:
    """What a failure means for the delivery: tried again (the order not arrived yet, a race on creating it, the
    shop unavailable for a moment), or failed with its error. The database itself failing is the task's retry."""
    if isinstance(exc, TRANSIENT_DATABASE_ERRORS):
        raise exc
    if isinstance(exc, OrderNotYetKnown):
        return Outcome(InboxStatus.PENDING, str(exc), None)
    if isinstance(exc, IntegrityError):  # another delivery of the same order created it at the same moment
        return Outcome(InboxStatus.PENDING, _error(exc), None)
    if isinstance(exc, PlatformError) and not exc.permanent:
        return Outcome(InboxStatus.PENDING, _error(exc), None)
    return Outcome(InboxStatus.FAILED, _error(exc), None)


def _error(exc: Exception) -> str:
    from rma.orders.order_sources import error_message

    return f"{type(exc).__name__}: {error_message(exc)}"[:ERROR_MAX_CHARS]


def delivery_retry_in(*, delivery_id: int) -> float | None:
    """Seconds before a delivery still pending is tried again (1, 2, 4… up to a minute); None when not pending."""
    attempts = (
        InboxDelivery.objects.filter(pk=delivery_id, status=InboxStatus.PENDING)
        .values_list("attempts", flat=True)
        .first()
    )
    return None if attempts is None else _backoff(attempts)


def _backoff(attempts: int) -> float:
    return float(min(2 ** max(attempts - 1, 0), 60))


def deliveries_reprocess(*, delivery_ids: list[int]) -> list[int]:
    """Put failed (or stuck pending) deliveries back to pending, for the caller to hand to the worker; returns
    their ids."""
    with transaction.atomic():
        pks = list(
            InboxDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status__in=(InboxStatus.FAILED, InboxStatus.PENDING))
            .values_list("pk", flat=True)
        )
        InboxDelivery.objects.filter(pk__in=pks).update(
            status=InboxStatus.PENDING, attempts=0, error="", processed_at=None, updated_at=timezone.now()
        )
    return pks


def deliveries_due(*, now: object = None, limit: int = 500) -> list[int]:
    """Pending deliveries untouched for a while (their task was lost, or they wait for their order)."""
    moment = now or timezone.now()
    return list(
        InboxDelivery.objects.filter(status=InboxStatus.PENDING, updated_at__lt=moment - STALE_AFTER)  # type: ignore[operator]
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
