"""A task queued while answering a request runs, in the real worker, with that request's id in its log lines."""

import pytest

from returns_portal.celery import app
from returns_portal.ops.request_id import request_id_current, request_id_var

TASK = "tests.ops.request_id_seen"


@app.task(name=TASK)
def request_id_seen(marker: str) -> list[str | None]:
    return [marker, request_id_current()]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_task_with_the_request_s_id(live_worker):
    token = request_id_var.set("req-task-000007")
    try:
        request_id_seen.delay("with-id")
    finally:
        request_id_var.reset(token)
    request_id_seen.delay("without-id")

    (with_id,) = live_worker.runs.wait(TASK, "with-id", count=1)
    (without_id,) = live_worker.runs.wait(TASK, "without-id", count=1)

    assert with_id == ["with-id", "req-task-000007"]
    assert without_id == ["without-id", None]
