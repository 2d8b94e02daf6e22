"""Label tasks: thin adapters from the broker to rma.shipping.services (ids in, nothing out)."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from rma.core.queue import publish
from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.services import (
    label_generate,
    label_generation_failed,
    label_void_at_carrier,
    label_void_at_carrier_failed,
    labels_purge_voided,
    labels_sweep,
)
from rma.shipping.services.labels import PURGE_VOIDED_AFTER

logger = logging.getLogger(__name__)

# Worth another try later: the carrier or the database was unreachable, storage hiccuped, or the work ran out of time.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    CarrierUnavailable,
    OSError,
    OperationalError,
    InterfaceError,
    SoftTimeLimitExceeded,
)
# Backoff: about 10, 20, 40, 80, 160, 320 s (each drawn at random below that, "full jitter"): ~10 minutes of tries.
RETRY_POLICY: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def _label_id(args: tuple, kwargs: dict) -> int | None:
    return kwargs.get("label_id", args[0] if args else None)


class LabelTask(Task):
    """Record each failed attempt on the label row, so that the admin shows why and how often it failed."""

    record_failure: Callable[..., object]

    def on_retry(self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: ExceptionInfo) -> None:
        self._record(args=args, kwargs=kwargs, exc=exc, final=False)

    def on_failure(self, exc: Exception, task_id: str, args: tuple, kwargs: dict, einfo: ExceptionInfo) -> None:
        self._record(args=args, kwargs=kwargs, exc=exc, final=True)

    def _record(self, *, args: tuple, kwargs: dict, exc: Exception, final: bool) -> None:
        label_id = _label_id(args, kwargs)
        if label_id is None:
            return
        try:
            type(self).record_failure(label_id=label_id, error=exc, final=final)
        except Exception:  # noqa: BLE001 - the database may be what failed; the sweeper re-sends lost work
            logger.exception("could not record the failure of label %s", label_id)


class LabelGenerateTask(LabelTask):
    record_failure = staticmethod(label_generation_failed)


class LabelVoidTask(LabelTask):
    record_failure = staticmethod(label_void_at_carrier_failed)


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
    """Generate a label (idempotent: a second run finds it ready and does nothing)."""
    label_generate(label_id=label_id)


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
    """Beat, every minute: send again the label tasks that were lost (broker down when queued, worker killed)."""
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
