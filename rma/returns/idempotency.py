"""Idempotency-Key: the same key from the same caller gives back the same return, even when sent many times at once.

The key is claimed first: a row inserted under a unique (scope, key) constraint, in the transaction that then makes
the return. A concurrent request with the same key blocks on that insert (PostgreSQL waits on the unique index for
the first transaction) and, once the first commits, finds the claim with its return and replays it; if the first
rolled back (a refusal), the claim is gone and the second makes the return itself. So there is never a second
return, nor a refusal for units the first request took.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict
from rma.orders.models import Order
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import IdempotencyKey, ReasonCode, ReturnRequest


def request_fingerprint(
    *, order: Order, lines: Sequence[tuple[int, int, ReasonCode]], drop_off: DropOffChoice, resolution: str
) -> str:
    """What must be the same for a request to be a replay: order, (line, quantity, reason), drop-off, resolution."""
    payload: dict[str, Any] = {
        "order": order.pk,
        "lines": sorted((line_pk, quantity, reason.pk) for line_pk, quantity, reason in lines),
        "drop_off": [drop_off.method, drop_off.point.pk if drop_off.point else None],
        "resolution": resolution,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotency_key_claim(*, scope: str, key: str, fingerprint: str) -> tuple[IdempotencyKey, ReturnRequest | None]:
    """Claim `key` for this request, or find the return an earlier request made with it.

    Returns the claim and, for a replay, the earlier return (None: the caller makes the return and records it with
    `idempotency_key_fulfil` in the same transaction). The same key with another fingerprint is a Conflict.
    """
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(key=key, scope=scope, request_fingerprint=fingerprint)
        return claim, None
    except IntegrityError:
        # Another request holds or held the key; the insert waited for its transaction to end.
        pass
    existing = IdempotencyKey.objects.select_related("return_request").get(scope=scope, key=key)
    if existing.request_fingerprint != fingerprint:
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."), code="idempotency_key_reused"
        )
    if existing.return_request is None:
        # Only seen if a caller claimed a key outside a transaction and has not recorded its return yet.
        raise Conflict(_("A request with this Idempotency-Key is in progress."), code="idempotency_key_in_use")
    return existing, existing.return_request


def idempotency_key_fulfil(*, claim: IdempotencyKey, return_request: ReturnRequest) -> None:
    """Record the return that the request holding `claim` made."""
    claim.return_request = return_request
    claim.save(update_fields=["return_request"])
