"""Approvals ring the batches' doorbell instead of sending a task per label: one run makes the labels waiting,
batch after batch; a label a batch leaves out gets its own task, for its retries; a label of a carrier with an API
still gets its own task at approval."""

import pytest
from celery.signals import task_prerun

from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.reactions import label_generate_on_commit
from rma.shipping.services import labels_generate_waiting, labels_waiting
from rma.shipping.tasks import label_generate_task, labels_generate_waiting_task
from tests.shipping.label_batching import files_blocked, label_of, made

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks_run():
    """The names of the label tasks run (eagerly, in this process), in order."""
    names: list[str] = []

    def record(sender=None, **kwargs):
        if sender.name.startswith("rma.shipping."):
            names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


def test_an_approval_rings_the_batches_run_which_makes_the_label(
    make_return, django_capture_on_commit_callbacks, tasks_run
):
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return()

    assert made(return_request)
    assert tasks_run == [labels_generate_waiting_task.name]


def test_a_label_of_a_carrier_with_an_api_gets_its_own_task(
    waiting, django_capture_on_commit_callbacks, tasks_run, scripted_carrier
):
    carrier = scripted_carrier()
    (return_request,) = waiting(1)
    Label.objects.filter(pk=return_request.label.pk).update(carrier="scripted")

    with django_capture_on_commit_callbacks(execute=True):
        label_generate_on_commit(label_of(return_request))

    assert tasks_run == [label_generate_task.name]
    assert carrier.calls == 1
    assert made(return_request)


def test_with_batching_off_every_label_gets_its_own_task(
    make_return, django_capture_on_commit_callbacks, tasks_run, settings
):
    settings.RMA_LABEL_BATCH_SIZE = 1
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return()

    assert made(return_request)
    assert tasks_run == [label_generate_task.name]


def test_a_run_makes_every_label_waiting_batch_after_batch(waiting, settings):
    settings.RMA_LABEL_BATCH_SIZE = 2
    returns = waiting(5)
    assert labels_waiting() == 5

    result = labels_generate_waiting_task.delay()

    assert result.result == {"made": 5, "left_out": 0}
    assert all(made(return_request) for return_request in returns)
    assert len(set(Label.objects.values_list("updated_at", flat=True))) == 3  # batches of 2, 2 and 1
    assert labels_waiting() == 0
    assert labels_generate_waiting_task.delay().result == {"made": 0, "left_out": 0}


def test_a_label_left_out_is_not_taken_again_and_fails_alone_in_its_own_task(waiting, eager_retries, tasks_run):
    first, second, third = waiting(3)
    files_blocked(second.label)

    result = labels_generate_waiting_task.delay()

    assert result.result == {"made": 2, "left_out": 1}
    assert made(first)
    assert made(third)
    label = label_of(second)
    assert (label.status, label.attempts) == (LabelStatus.FAILED, 1 + label_generate_task.max_retries)
    assert label.last_error.startswith("OSError: ")
    assert tasks_run.count(labels_generate_waiting_task.name) == 1
    assert set(tasks_run) == {labels_generate_waiting_task.name, label_generate_task.name}


def test_a_run_stops_taking_batches_after_its_time_and_says_more_wait(waiting):
    returns = waiting(3)

    run = labels_generate_waiting(size=1, seconds=0)

    assert (run.made, run.left_out, run.more) == (1, [], True)
    assert [label_of(r).status for r in returns] == [LabelStatus.READY, LabelStatus.PENDING, LabelStatus.PENDING]
    assert labels_generate_waiting(size=1).made == 2
    assert all(made(return_request) for return_request in returns)


def test_a_run_leaves_labels_of_a_carrier_with_an_api_to_their_own_tasks(waiting, scripted_carrier):
    carrier = scripted_carrier()
    first, by_api = waiting(2)
    Label.objects.filter(pk=by_api.label.pk).update(carrier="scripted")

    run = labels_generate_waiting(size=20)

    assert (run.made, run.left_out, run.more) == (1, [], False)
    assert made(first)
    assert label_of(by_api).status == LabelStatus.PENDING
    assert carrier.calls == 0
