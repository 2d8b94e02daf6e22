"""Returns accepted now and made by a worker: `POST /api/v1/returns/` with `Prefer: respond-async`.

A shop's integration that sends returns by the thousand (the January peak, a back-fill) does not wait for each
one's policy decision: the request is checked for shape, kept as a `ReturnIntake` row and answered 202. The worker
(`return_intakes_drain`) then makes each return exactly as the synchronous call would have, in the transaction that
records the outcome on the row, which holds its lock meanwhile: a return is made once, even with several workers,
and a refusal is kept as the very error (status and JSON body) the synchronous call would have answered.

How the rows reach the worker: each acceptance rings a doorbell once it commits (rma.core.queue.ring_on_commit),
so that a burst of a thousand requests publishes one task, not a thousand; beat runs the same task every 30 s
for whatever a lost publish left.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rma.core.api.exception_handler import error_body
from rma.core.exceptions import Conflict, DomainError
from rma.core.queue import Publishable, doorbell_clear, ring_on_commit
from rma.core.services import row_insert
from rma.returns.models import IntakeStatus, ReturnIntake, ReturnRequest

logger = logging.getLogger(__name__)

DOORBELL = "rma:returns:intakes-drain-queued"
# A request that fails for another reason than a refusal (a fault of ours) is tried this many times, once per run.
MAX_ATTEMPTS = 3
# What one run of the task takes on before it hands over to the next one (the task's soft time limit is 60 s).
DRAIN_BATCH = 500
DRAIN_SECONDS = 30.0

# Turns an accepted request into its return, or raises the DomainError the synchronous call answers with; also
# says whether the return was an earlier one, given back for the request's Idempotency-Key.
ReturnMaker = Callable[[ReturnIntake], tuple[ReturnRequest, bool]]


def return_intake_accept(
    *, actor: User, payload: dict[str, Any], language: str, idempotency_key: str, drain: Publishable
) -> tuple[ReturnIntake, bool]:
    """Keep a creation request for the worker (`drain`, rung once the transaction commits); give it back, and
    whether it is an earlier one sent with the same Idempotency-Key (then nothing new is kept)."""
    fields = {"actor": actor, "payload": payload, "language": language, "idempotency_key": idempotency_key}
    # The row is the whole of the request's write: inserted by a statement compiled once (rma.core.services).
    if not idempotency_key:
        intake = row_insert(instance=ReturnIntake(**fields))
    else:
        try:
            with transaction.atomic():
                intake = row_insert(instance=ReturnIntake(**fields))
        except IntegrityError:
            # The same caller sent this key before (a concurrent request waited on the unique index for it).
            earlier = ReturnIntake.objects.get(actor=actor, idempotency_key=idempotency_key)
            if earlier.payload != payload:
                raise Conflict(
                    _("This Idempotency-Key was already used for a different request."), code="idempotency_key_reused"
                ) from None
            return earlier, True
    ring_on_commit(drain, doorbell=DOORBELL)
    return intake, False


def return_intakes_drain(
    *, make: ReturnMaker, batch: int = DRAIN_BATCH, seconds: float = DRAIN_SECONDS
) -> dict[str, int]:
    """Make the returns of the waiting requests, oldest first, one transaction each; stop after `batch` of them or
    `seconds`. Counts what became of them, and how many still wait ("left"); a request another run completed
    meanwhile is not counted."""
    doorbell_clear(DOORBELL)
    counts = {"created": 0, "failed": 0, "retried": 0}
    tried: set[int] = set()  # a request that hit a fault waits for the next run, not the next turn of this loop
    deadline = time.monotonic() + seconds
    while len(tried) < batch and time.monotonic() < deadline:
        outcome = _intake_process_next(make=make, skip=tried)
        if outcome is None:
            break
        intake_id, result = outcome
        tried.add(intake_id)
        if result in counts:
            counts[result] += 1
    counts["left"] = ReturnIntake.objects.filter(status=IntakeStatus.PENDING).exclude(pk__in=tried).count()
    return counts


def return_intakes_waiting() -> int:
    return ReturnIntake.objects.filter(status=IntakeStatus.PENDING).count()


def _intake_process_next(*, make: ReturnMaker, skip: set[int]) -> tuple[int, str] | None:
    """Lock the oldest waiting request that no other worker holds and make its return; None when none waits."""
    with transaction.atomic():
        intake = (
            ReturnIntake.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("actor")
            .filter(status=IntakeStatus.PENDING)
            .exclude(pk__in=skip)
            .order_by("id")
            .first()
        )
        if intake is None:
            return None
        try:
            # A savepoint: a refusal, or a fault, undoes what the creation wrote and leaves the row's lock held.
            with transaction.atomic(), translation.override(intake.language):
                return_request, replayed = make(intake)
        except DomainError as refusal:
            completed = _intake_complete(
                intake,
                status=IntakeStatus.FAILED,
                http_status=refusal.http_status,
                error=error_body(refusal.code, refusal.message, refusal.extra or None),
            )
            return intake.pk, "failed" if completed else "taken"
        except (OperationalError, InterfaceError):
            raise  # the database went away: the task's retry policy tries the whole run again later
        except Exception as fault:  # noqa: BLE001 - a fault of ours must not stop the other requests
            logger.exception("return intake %s: attempt %s failed", intake.public_id, intake.attempts + 1)
            return intake.pk, _intake_attempt_failed(intake, fault)
        completed = _intake_complete(
            intake, status=IntakeStatus.CREATED, http_status=200 if replayed else 201, return_request=return_request
        )
        return intake.pk, "created" if completed else "taken"


def _intake_complete(
    intake: ReturnIntake,
    *,
    status: str,
    http_status: int,
    error: dict[str, Any] | None = None,
    return_request: ReturnRequest | None = None,
) -> bool:
    """Record the outcome, if the request still waits; False (and this transaction undone, the return it made
    with it) when another run recorded one meanwhile. PostgreSQL's row lock keeps that from happening; this
    keeps it harmless where there is none (SQLite, which has no SELECT … FOR UPDATE)."""
    completed_at = timezone.now()
    recorded = ReturnIntake.objects.filter(pk=intake.pk, status=IntakeStatus.PENDING).update(
        status=status,
        http_status=http_status,
        error=error,
        return_request=return_request,
        completed_at=completed_at,
        updated_at=completed_at,
    )
    if not recorded:
        logger.warning(
            "return intake %s: another run recorded its outcome first, this one is undone", intake.public_id
        )
        transaction.set_rollback(True)
        return False
    intake.status, intake.http_status, intake.error = status, http_status, error
    intake.return_request, intake.completed_at = return_request, completed_at
    return True


def _intake_attempt_failed(intake: ReturnIntake, fault: Exception) -> str:
    """Count a failed attempt; the last one allowed answers the request with a 500 error, as the synchronous call
    would have. "retried" or "failed"."""
    intake.attempts += 1
    intake.last_failure = f"{type(fault).__name__}: {fault}"[:2000]
    if intake.attempts < MAX_ATTEMPTS:
        intake.save(update_fields=["attempts", "last_failure", "updated_at"])
        return "retried"
    intake.save(update_fields=["attempts", "last_failure"])
    completed = _intake_complete(
        intake,
        status=IntakeStatus.FAILED,
        http_status=500,
        error=error_body("internal_error", _("The return could not be created. Please send the request again.")),
    )
    return "failed" if completed else "taken"
