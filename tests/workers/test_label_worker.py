"""Labels through the real Celery worker on Redis (tests/workers/live.py): the path production takes."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from rma.core.queue import broker_breaker
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.carriers.builtin import tracking_number_is_valid
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import labels_sweep
from rma.shipping.tasks import label_generate_task
from tests.shipping.conftest import scripted_carrier  # noqa: F401 - fixture: a carrier outside the machine
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
GENERATE = "rma.shipping.label_generate"
WAITING = "rma.shipping.labels_generate_waiting"


def _label_ready(return_request: ReturnRequest) -> bool:
    return Label.objects.filter(return_request=return_request, status=LabelStatus.READY).exists()


def test_the_worker_makes_the_label_of_an_approved_return(live_worker, make_return):
    return_request = make_return()  # commits; the label task goes to Redis after commit

    wait_for(lambda: _label_ready(return_request), what="the label")
    live_worker.idle()

    label = Label.objects.get(return_request=return_request)
    assert tracking_number_is_valid(label.tracking_number)
    assert label.attempts == 1
    for kind in ("pdf", "pdf_4x6", "zpl"):
        assert default_storage.exists(getattr(label, kind).name)
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY
    # The approval rang the batches' doorbell: one run made it, and no task of its own was needed.
    assert live_worker.runs.results(WAITING) == [{"made": 1, "left_out": 0}]
    assert live_worker.runs.results(GENERATE) == []


def test_the_same_label_task_three_times_gives_one_tracking_number(live_worker, make_return):
    return_request = make_return()
    wait_for(lambda: _label_ready(return_request), what="the label")
    label = Label.objects.get(return_request=return_request)

    label_generate_task.delay(label.pk)  # a redelivery, a sweep, an impatient admin
    label_generate_task.delay(label.pk)
    live_worker.runs.wait(GENERATE, label.pk, count=2)  # the first time, the batches' run made it
    live_worker.idle()

    again = Label.objects.get(pk=label.pk)
    assert (again.tracking_number, again.attempts, again.ready_at) == (label.tracking_number, 1, label.ready_at)
    assert return_request.events.filter(to_status=ReturnStatus.LABEL_READY).count() == 1


def test_the_worker_retries_a_carrier_outage_with_backoff(live_worker, make_return, scripted_carrier):  # noqa: F811
    carrier = scripted_carrier(transient=1)
    with transaction.atomic():  # the approval rings the batches' doorbell; its run finds no label it can batch
        return_request = make_return()
        Label.objects.filter(return_request=return_request).update(carrier="scripted")
    label_generate_task.delay(Label.objects.get(return_request=return_request).pk)  # as beat's sweep sends it

    # The first attempt fails; the retry comes back after its backoff (up to 10 s with jitter).
    wait_for(lambda: _label_ready(return_request), what="the label after a retry", timeout=45)
    live_worker.idle()

    label = Label.objects.get(return_request=return_request)
    assert carrier.calls == 2
    assert label.attempts == 2
    assert label.last_error == ""
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_labels_approved_while_redis_is_down_are_made_once_it_is_back(live_worker, make_return):
    with live_worker.broker_unreachable():
        returns = [make_return() for _ in range(2)]
        assert broker_breaker.is_open()  # after the first failure, the second approval did not wait for Redis
        live_worker.idle()
        assert set(Label.objects.values_list("status", flat=True)) == {LabelStatus.PENDING}

    # Redis is back; beat's sweeper (every minute) re-sends the labels whose task never left.
    due = labels_sweep(now=timezone.now() + timedelta(minutes=2))["label_generate_task"]
    assert sorted(due) == sorted(Label.objects.values_list("pk", flat=True))
    for label_id in due:
        label_generate_task.delay(label_id)
    wait_for(lambda: all(_label_ready(r) for r in returns), what="both labels")
    live_worker.idle()
    assert {r.status for r in ReturnRequest.objects.all()} == {ReturnStatus.LABEL_READY}


def test_labels_approved_together_are_made_by_one_task_in_one_batch(live_worker, make_return):
    with transaction.atomic():  # the doorbell rings once, when this commits
        returns = [make_return() for _ in range(4)]
    labels = list(Label.objects.filter(return_request__in=returns))

    wait_for(lambda: all(_label_ready(r) for r in returns), what="the four labels")
    live_worker.idle()

    made = list(Label.objects.filter(pk__in=[label.pk for label in labels]))
    assert len({label.updated_at for label in made}) == 1  # made together: one batch, one statement
    assert {label.attempts for label in made} == {1}
    assert all(tracking_number_is_valid(label.tracking_number) for label in made)
    # Each approval rang (the suite's cache is not shared unless RMA_TEST_CACHE_URL is set); one run made all.
    runs = live_worker.runs.results(WAITING)
    assert {"made": 4, "left_out": 0} in runs
    assert sum(run["made"] for run in runs) == 4
    assert live_worker.runs.results(GENERATE) == []
    assert set(ReturnRequest.objects.filter(pk__in=[r.pk for r in returns]).values_list("status", flat=True)) == {
        ReturnStatus.LABEL_READY
    }
    assert ReturnEvent.objects.filter(return_request__in=returns, to_status=ReturnStatus.LABEL_READY).count() == 4


def test_approvals_one_after_the_other_ring_while_a_run_waits_and_every_label_is_made_once(live_worker, make_return):
    returns = [make_return() for _ in range(6)]  # six commits: the doorbell rings while a run waits or runs

    wait_for(lambda: all(_label_ready(r) for r in returns), what="the six labels")
    live_worker.idle()

    runs = live_worker.runs.results(WAITING)
    assert 1 <= len(runs) <= 6
    assert sum(run["made"] for run in runs) == 6
    assert live_worker.runs.results(GENERATE) == []
    assert set(Label.objects.filter(return_request__in=returns).values_list("attempts", flat=True)) == {1}
    assert ReturnEvent.objects.filter(return_request__in=returns, to_status=ReturnStatus.LABEL_READY).count() == 6
