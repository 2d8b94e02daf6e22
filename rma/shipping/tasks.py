"""Label tasks: thin adapters from the broker to rma.shipping.services (ids in, nothing out)."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from rma.core.queue import publish
from rma.core.retries import RecordedRetriesTask, drain_task_options, retry_policy
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.services import (
    label_generate_queued,
    label_generation_failed,
    label_void_at_carrier,
    label_void_at_carrier_failed,
    labels_generate_waiting,
    labels_purge_voided,
    labels_sweep,
    labels_waiting,
)
from rma.shipping.services.labels import PURGE_VOIDED_AFTER

logger = logging.getLogger(__name__)

# Worth another try later: the carrier or the database was unreachable, storage hiccuped, or the work ran out of time.
# The database errors and the backoff are the shared policy of rma.core.retries.
RETRY_POLICY: dict[str, Any] = retry_policy(CarrierUnavailable, OSError, SoftTimeLimitExceeded)
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = RETRY_POLICY["autoretry_for"]


class LabelTask(RecordedRetriesTask):
    """Record each failed attempt on the label row, so that the admin shows why and how often it failed."""

    record_label_failure: Callable[..., object]

    def record_failure(
        self, *, args: tuple, kwargs: dict, error: BaseException, retry_in: float | None, final: bool
    ) -> None:
        label_id = kwargs.get("label_id", args[0] if args else None)
        if label_id is not None:
            type(self).record_label_failure(label_id=label_id, error=error, final=final)


class LabelGenerateTask(LabelTask):
    record_label_failure = staticmethod(label_generation_failed)


class LabelVoidTask(LabelTask):
    record_label_failure = staticmethod(label_void_at_carrier_failed)


@shared_task(
    base=LabelGenerateTask,
    name="rma.shipping.label_generate",
    queue="labels",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    **RETRY_POLICY,
)
def label_generate_task(label_id: int, **kwargs: Any) -> None:
    """Generate a label, with the other labels waiting when they can be made together (idempotent: a run that finds
    it ready, made by an earlier run or by another task's batch, does nothing)."""
    label_generate_queued(label_id=label_id, batch_size=settings.RMA_LABEL_BATCH_SIZE)


@shared_task(name="rma.shipping.labels_generate_waiting", queue="labels", **drain_task_options())
def labels_generate_waiting_task(self: Task, **kwargs: Any) -> dict[str, int]:
    """Make the labels waiting to be made, in batches (rung by approvals: rma.shipping.reactions); the labels a batch
    left out get their own tasks, for their retries; hands over to a next run when more wait than one run makes."""
    size = settings.RMA_LABEL_BATCH_SIZE
    if not self.request.is_eager and labels_waiting() > size:
        # A backlog: another run shares it (each batch locks rows the other has not), on the worker's other process.
        # (Run eagerly there is no other process: the helper would run inside this run.)
        publish(labels_generate_waiting_task)
    run = labels_generate_waiting(size=size)
    for label_id in run.left_out:
        publish(label_generate_task, label_id, force=True)
    if run.more and run.made:  # not when this run made nothing: another holds the rest, or the database fails
        publish(labels_generate_waiting_task, force=True)
    return {"made": run.made, "left_out": len(run.left_out)}


@shared_task(
    base=LabelVoidTask,
    name="rma.shipping.label_void",
    queue="labels",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    **RETRY_POLICY,
)
def label_void_task(label_id: int, **kwargs: Any) -> None:
    """Tell the carrier that a voided label will not be used."""
    label_void_at_carrier(label_id=label_id)


@shared_task(name="rma.shipping.labels_sweep", queue="labels", acks_late=True, soft_time_limit=60, time_limit=90)
def labels_sweep_task(**kwargs: Any) -> dict[str, int]:
    """Beat, every 30 s: send again the label tasks that were lost (broker down when queued, worker killed)."""
    due = labels_sweep()
    for label_id in due["label_generate_task"]:
        publish(label_generate_task, label_id, force=True)
    for label_id in due["label_void_task"]:
        publish(label_void_task, label_id, force=True)
    return {name: len(ids) for name, ids in due.items()}


@shared_task(
    name="rma.shipping.labels_purge_voided", queue="labels", acks_late=True, soft_time_limit=300, time_limit=360
)
def labels_purge_voided_task(days: int | None = None, **kwargs: Any) -> int:
    """Beat, daily: delete the files of labels voided more than `days` (default 30) ago; the rows stay."""
    older_than = PURGE_VOIDED_AFTER if days is None else timedelta(days=days)
    return labels_purge_voided(older_than=older_than)
