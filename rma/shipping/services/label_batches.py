"""Labels made in batches by the label worker.

Every approved return's label has its own task (rma.shipping.tasks.label_generate_task). Besides rendering, a task
costs the same whatever it makes: the broker's delivery and acknowledgement, a transaction and its commit, a dozen
statements. So a task makes, with its own label, the other labels waiting to be made (up to
settings.RMA_LABEL_BATCH_SIZE), with set-based reads and writes: one statement locks them all, one reads their
returns' lines, one checks their tracking numbers, one updates the labels, one the returns, one inserts the
events and one the label_ready emails, in one transaction. The tasks of the labels a batch made find them ready
with one read and end.

What is batched: labels never tried yet (pending, no attempt: their own task is on its way or was lost), of
approved returns, whose carrier makes labels on this machine (rma.shipping.carriers.LOCAL_CARRIERS). A carrier
with an API is called one label per task as before, never inside a transaction that holds other labels; a label
that failed an attempt waits for its own retry, so its backoff holds. Rows another worker holds are skipped
(``SKIP LOCKED``): two workers make two batches side by side, never wait for each other.

Failure isolation: a label that cannot be made in the batch (its content, the carrier's answer, its rendering or
its files fail, or its tracking number is taken) is left out of the batch as it was, and the batch goes on with
the others. Its own task then makes it alone (label_generate), as every label was made before batches: its
failure goes to that task's retries with backoff and is recorded on its row (label_generation_failed), a taken
tracking number is asked again with a salted reference. A batch that fails as a whole (its writes, the database)
rolls back and leaves all its labels to their own tasks; only a task's time limit ends the task itself, which then
retries as before. A batch stops taking labels after BATCH_SECONDS (slow object storage), so that it never holds
its rows for long.

How batchable labels reach the worker: an approval does not publish a task per label but rings a doorbell
(rma.core.queue.ring_on_commit), so that a burst of approvals publishes one task, which makes the labels waiting
batch after batch (labels_generate_waiting); a run that finds a backlog asks for another beside it, on the worker's
other process. Only the labels a batch left out get a task of their own, for their retries. Beat's sweep sends
their own tasks for labels still pending a minute later (a lost publish), as for any label.
"""

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import translation

from rma.core.queue import doorbell_clear
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.transitions import transitions_apply
from rma.shipping.carriers import LOCAL_CARRIERS, CarrierLabel
from rma.shipping.choices import LabelStatus
from rma.shipping.lock_objects import return_request_with_label_qs_select_for_update
from rma.shipping.models import Label
from rma.shipping.rendering import LabelContent
from rma.shipping.services.accounts import label_carrier
from rma.shipping.services.label_content import LABEL_FORMATS, label_content_build, label_render_files
from rma.shipping.services.label_steps import (
    READY_FIELDS,
    label_files_store,
    label_ready_note,
    label_ready_set,
    label_request_build,
    return_lines_attach,
)
from rma.shipping.services.labels import label_generate
from rma.shipping.services.transitions import labels_transition

logger = logging.getLogger(__name__)

# A batch makes no more labels after this long (slow object storage): it holds its rows locked meanwhile, and its task
# must end well within its time limit (60 s). The labels it did not reach wait for their own tasks.
BATCH_SECONDS = 10.0
# One run of labels_generate_waiting takes no new batch after this long (its task's soft time limit is 60 s).
WAITING_SECONDS = 30.0
DOORBELL = "rma:shipping:labels-waiting-queued"
# Errors that are not one label's failure: the batch stops with them (the database's, a task's time limit).
_BATCH_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, SoftTimeLimitExceeded)


class _LabelState(NamedTuple):
    status: str
    attempts: int
    carrier: str
    account_carrier: str | None
    return_status: str | None


@dataclass
class _Outcome:
    """What one batch did: the labels it locked, those it made ready, those it left for their own tasks."""

    taken: list[int] = field(default_factory=list)
    made: set[int] = field(default_factory=set)
    left_out: set[int] = field(default_factory=set)
    failed: bool = False  # rolled back as a whole: every label taken is left for its own task


@dataclass(frozen=True)
class WaitingRun:
    """What a run of labels_generate_waiting did: labels made, labels for their own tasks, whether more wait."""

    made: int
    left_out: list[int]
    more: bool


@dataclass
class _Planned:
    """A label of the batch, with what it says and the tracking number its carrier issued."""

    return_request: ReturnRequest
    label: Label
    content: LabelContent
    issued: CarrierLabel


def label_generate_queued(*, label_id: int, batch_size: int) -> None:
    """What a label task does: nothing when the label is ready or voided (a batch made it: one read); else make it
    with other labels waiting (labels_generate_batch), when it can be batched; else, or when the batch left it out,
    alone (label_generate), whose failure goes to the task's retries and is recorded on the label."""
    row = (
        Label.objects.filter(pk=label_id)
        .values_list("status", "attempts", "carrier", "account__carrier", "return_request__status")
        .first()
    )
    state = _LabelState(*row) if row is not None else None
    if state is not None and state.status in (LabelStatus.READY, LabelStatus.VOIDED):
        return
    batchable = state is not None and batch_size > 1 and _batchable(state)
    if batchable and label_id in labels_generate_batch(label_id=label_id, size=batch_size):
        return
    label_generate(label_id=label_id)


def label_batchable_on_request(label: Label) -> bool:
    """A label just requested (pending, never tried, its return approved) is made in a batch with the others
    waiting, rather than by a task of its own, when its carrier makes labels on this machine."""
    return settings.RMA_LABEL_BATCH_SIZE > 1 and label.carrier in LOCAL_CARRIERS


def labels_waiting() -> int:
    """How many labels wait to be made in a batch."""
    return ReturnRequest.objects.filter(_batchable_q()).count()


def labels_generate_waiting(*, size: int, seconds: float = WAITING_SECONDS) -> WaitingRun:
    """Make the labels waiting to be made, oldest first, `size` at a time, each batch in its own transaction, until
    none waits or `seconds` have passed; the labels a batch left out are not taken again by this run."""
    doorbell_clear(DOORBELL)  # before the first read: a label approved from now on rings again
    made = 0
    left_out: set[int] = set()
    deadline = time.monotonic() + seconds
    while True:
        outcome = _batch_run(label_id=None, size=size, exclude=left_out)
        made += len(outcome.made)
        left_out |= set(outcome.taken) if outcome.failed else outcome.left_out
        if outcome.failed or len(outcome.taken) < size:
            return WaitingRun(made=made, left_out=sorted(left_out), more=outcome.failed)
        if time.monotonic() > deadline:
            return WaitingRun(made=made, left_out=sorted(left_out), more=True)


def _batchable(state: _LabelState) -> bool:
    carrier = state.account_carrier if state.account_carrier is not None else state.carrier
    return (
        state.status == LabelStatus.PENDING
        and state.attempts == 0
        and state.return_status == ReturnStatus.APPROVED
        and carrier in LOCAL_CARRIERS
    )


def _batchable_q() -> Q:
    """`_batchable`, on returns joined to their label."""
    local = Q(label__account__isnull=True, label__carrier__in=LOCAL_CARRIERS) | Q(
        label__account__carrier__in=LOCAL_CARRIERS
    )
    return Q(status=ReturnStatus.APPROVED, label__status=LabelStatus.PENDING, label__attempts=0) & local


def labels_generate_batch(*, label_id: int, size: int) -> set[int]:
    """Make up to `size` labels waiting to be made in one transaction, `label_id` first unless another worker holds
    it; the ids of the labels made ready. A label that fails is left as it was, for its own task (module doc)."""
    return _batch_run(label_id=label_id, size=size).made


def _batch_run(*, label_id: int | None, size: int, exclude: Collection[int] = ()) -> _Outcome:
    outcome = _Outcome()
    try:
        with transaction.atomic():
            _batch_make(outcome, label_id=label_id, size=size, exclude=exclude)
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # noqa: BLE001 - whatever broke the batch as a whole, each label is still made by its own task
        logger.exception("a batch of %s labels rolled back; they wait for their own tasks", len(outcome.taken))
        return _Outcome(taken=outcome.taken, failed=True)
    return outcome


def waiting_for_batch(*, label_id: int | None, exclude: Collection[int] = ()) -> QuerySet[ReturnRequest]:
    """The returns whose labels wait to be made in a batch, with their labels, to be locked by one statement (returns
    first, as every path locks them): `label_id` first, then the oldest label first. That is the order of the
    partial index `shipping_label_waiting`, which holds the waiting labels only; in their returns' order PostgreSQL
    walked every return up to the newest ones."""
    first = (Case(When(label__pk=label_id, then=Value(0)), default=Value(1)),) if label_id is not None else ()
    return (
        return_request_with_label_qs_select_for_update(skip_locked=True)
        .select_related("order", "drop_off_point", "destination_warehouse", "label__account")
        .filter(_batchable_q())
        .exclude(label__pk__in=exclude)
        .order_by(*first, "label__pk")
    )


def _batch_make(outcome: _Outcome, *, label_id: int | None, size: int, exclude: Collection[int]) -> None:
    return_requests = list(waiting_for_batch(label_id=label_id, exclude=exclude)[:size])
    outcome.taken = [return_request.label.pk for return_request in return_requests]
    if not return_requests:
        return
    # Read once for all, with what the label_ready messages show of them (rma.returns.message_content.payload_lines).
    return_lines_attach(return_requests=return_requests)
    planned = []
    for return_request in return_requests:
        try:
            planned.append(_plan(return_request))
        except _BATCH_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - one label's failure: its own task makes it alone and records it
            _left_out(outcome, label=return_request.label, error=error)
    made = []
    deadline = time.monotonic() + BATCH_SECONDS
    for item in _numbers_free(outcome, planned):
        if time.monotonic() > deadline:
            break
        try:
            files = dict(item.issued.documents) or label_render_files(
                content=replace(item.content, tracking_number=item.issued.tracking_number)
            )
            label_files_store(label=item.label, files=files)
        except _BATCH_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - as above
            _left_out(outcome, label=item.label, error=error)
            continue
        label_ready_set(label=item.label, issued=item.issued, content=item.content)
        made.append(item)
    labels_transition(
        labels=[item.label for item in made], to=LabelStatus.READY, fields=[*READY_FIELDS, *LABEL_FORMATS]
    )
    # The returns' rows are locked above; each one's label is the one just made ready (the emails read it there).
    transitions_apply(
        locked=[item.return_request for item in made],
        to=ReturnStatus.LABEL_READY,
        notes=[label_ready_note(tracking_number=item.issued.tracking_number) for item in made],
        actor_label="shipping",
    )
    outcome.made = {item.label.pk for item in made}


def _plan(return_request: ReturnRequest) -> _Planned:
    """What a label says, and the tracking number its carrier issues (a local carrier: no call out)."""
    label: Label = return_request.label
    content = label_content_build(label=label, return_request=return_request)
    request = label_request_build(label=label, return_request=return_request, content=content)
    with translation.override(return_request.locale or settings.LANGUAGE_CODE):
        issued = label_carrier(label=label).create_label(request=request)
    return _Planned(return_request=return_request, label=label, content=content, issued=issued)


def _numbers_free(outcome: _Outcome, planned: list[_Planned]) -> list[_Planned]:
    """The labels whose tracking number no other label has (one query for all); the others are left out, for their
    own task to ask again with a salted reference (label_generate)."""
    numbers = [item.issued.tracking_number for item in planned]
    taken = set(
        Label.objects.filter(tracking_number__in=numbers)
        .exclude(pk__in=[item.label.pk for item in planned])
        .values_list("tracking_number", flat=True)
    )
    free = []
    for item in planned:
        number = item.issued.tracking_number
        if number in taken:
            _left_out(outcome, label=item.label, error=f"tracking number {number} is taken")
            continue
        taken.add(number)  # two labels of the batch given the same number: the second waits for its own task
        free.append(item)
    return free


def _left_out(outcome: _Outcome, *, label: Label, error: BaseException | str) -> None:
    outcome.left_out.add(label.pk)
    logger.warning("label %s left out of a batch, for its own task: %s", label.pk, error)
