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
    assert len(live_worker.runs.results(GENERATE, label.pk)) == 1


def test_the_same_label_task_three_times_gives_one_tracking_number(live_worker, make_return):
    return_request = make_return()
    wait_for(lambda: _label_ready(return_request), what="the label")
    label = Label.objects.get(return_request=return_request)

    label_generate_task.delay(label.pk)  # a redelivery, a sweep, an impatient admin
    label_generate_task.delay(label.pk)
    live_worker.runs.wait(GENERATE, label.pk, count=3)
    live_worker.idle()

    again = Label.objects.get(pk=label.pk)
    assert (again.tracking_number, again.attempts, again.ready_at) == (label.tracking_number, 1, label.ready_at)
    assert return_request.events.filter(to_status=ReturnStatus.LABEL_READY).count() == 1


def test_the_worker_retries_a_carrier_outage_with_backoff(live_worker, make_return, scripted_carrier):  # noqa: F811
    carrier = scripted_carrier(transient=1)
    with transaction.atomic():  # the label task is sent when this commits, with the carrier switched
        return_request = make_return()
        Label.objects.filter(return_request=return_request).update(carrier="scripted")

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


def test_labels_approved_together_are_made_by_one_task_and_the_others_find_them_ready(live_worker, make_return):
    with transaction.atomic():  # their label tasks go to Redis together, when this commits
        returns = [make_return() for _ in range(4)]
    labels = list(Label.objects.filter(return_request__in=returns))

    wait_for(lambda: all(_label_ready(r) for r in returns), what="the four labels")
    for label in labels:
        live_worker.runs.wait(GENERATE, label.pk, count=1)  # every task ran, each once
    live_worker.idle()

    made = list(Label.objects.filter(pk__in=[label.pk for label in labels]))
    assert len({label.updated_at for label in made}) == 1  # made together: the first task's batch, one statement
    assert {label.attempts for label in made} == {1}
    assert all(tracking_number_is_valid(label.tracking_number) for label in made)
    assert all(len(live_worker.runs.results(GENERATE, label.pk)) == 1 for label in labels)
    assert set(ReturnRequest.objects.filter(pk__in=[r.pk for r in returns]).values_list("status", flat=True)) == {
        ReturnStatus.LABEL_READY
    }
    assert ReturnEvent.objects.filter(return_request__in=returns, to_status=ReturnStatus.LABEL_READY).count() == 4
