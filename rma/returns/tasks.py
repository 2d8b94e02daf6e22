"""Work on returns outside requests: thin adapters from the broker and beat to rma.returns.services."""

from typing import Any

from celery import Task, shared_task

from rma.core.queue import publish
from rma.core.retries import drain_task_options
from rma.returns.api.creation import intake_return_make  # the API's creation, which an intake replays
from rma.returns.intake import return_intakes_drain, return_intakes_waiting
from rma.returns.services import return_requests_expire


@shared_task(name="rma.returns.expire", acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def return_requests_expire_task() -> int:
    """Beat, hourly: expire approved returns not sent by their deadline (safe to run twice)."""
    return return_requests_expire()


# Waiting requests beyond which a run of the drain asks for a second one beside it.
HELP_WANTED = 20


@shared_task(name="rma.returns.intakes_drain", **drain_task_options())
def return_intakes_drain_task(self: Task, **kwargs: Any) -> dict[str, int]:
    """Make the returns accepted for later (rung by each acceptance; beat, every 30 s, for what a lost publish
    left); hands over to a next run when more wait than one run takes."""
    if not self.request.is_eager and return_intakes_waiting() > HELP_WANTED:
        # A backlog: another run shares it (each takes the rows the other has not locked), on the worker's other
        # processes; each run that starts to such a backlog asks for one more, so that every process helps. (Run
        # eagerly, there is no other process: the helper would run inside this run, and ask for another.)
        publish(return_intakes_drain_task)
    counts = return_intakes_drain(make=intake_return_make)
    # More wait than one run takes: the next run goes on (not when this one made nothing: others hold the rest).
    if counts["left"] and counts["created"] + counts["failed"] + counts["retried"]:
        publish(return_intakes_drain_task, force=True)
    return counts
