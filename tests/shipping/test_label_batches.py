"""Labels made in batches: a label task makes the labels waiting with its own and their tasks then do nothing; a label
that fails leaves the others made and fails alone in its own task; labels of a carrier with an API are not batched;
a batch's statements do not grow with its labels."""

import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from rma.core.queue import broker_breaker
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers.builtin import tracking_number_for
from rma.shipping.choices import LabelStatus
from rma.shipping.lock_objects import return_request_with_label_qs_select_for_update
from rma.shipping.models import Label
from rma.shipping.services import label_file_name, label_generate_queued, label_retry, labels_generate_batch
from rma.shipping.services.label_batches import waiting_for_batch
from rma.shipping.tasks import label_generate_task
from tests.conftest import require
from tests.plans import plan_in_index_order
from tests.shipping.label_batching import files_blocked, label_of, made

pytestmark = pytest.mark.django_db

# The label's state (one read), then in the batch's transaction (a savepoint in a test's): the returns and their
# labels found and locked together, the returns' lines, the tracking numbers' check, the labels' update, the
# returns' update, their events, their label_ready emails. As many for 2 labels as for 5.
BATCH_STATEMENTS = 10


# ---- One task, the labels waiting


def test_a_label_task_makes_the_labels_waiting_and_their_own_tasks_then_do_nothing(waiting, django_assert_num_queries):
    first, second, third = waiting(3)

    label_generate_task.delay(second.label.pk)

    assert all(made(return_request) for return_request in (first, second, third))
    ready = {label.pk: (label.tracking_number, label.ready_at, label.updated_at) for label in Label.objects.all()}
    assert len({updated_at for _number, _ready_at, updated_at in ready.values()}) == 1  # one statement for all
    for return_request in (first, third):
        with django_assert_num_queries(1):  # the label's state: ready
            label_generate_task.delay(return_request.label.pk)
    assert {
        label.pk: (label.tracking_number, label.ready_at, label.updated_at) for label in Label.objects.all()
    } == ready
    assert all(made(return_request) for return_request in (first, second, third))


def test_a_batch_takes_its_own_label_first_then_the_oldest_up_to_its_size(waiting, settings):
    settings.RMA_LABEL_BATCH_SIZE = 3
    returns = waiting(5)

    label_generate_task.delay(returns[4].label.pk)

    assert [label_of(r).status for r in returns] == [LabelStatus.READY] * 2 + [LabelStatus.PENDING] * 2 + [
        LabelStatus.READY
    ]
    label_generate_task.delay(returns[3].label.pk)
    assert all(made(return_request) for return_request in returns)


def test_a_batch_size_of_one_makes_each_label_in_its_own_task(waiting, settings):
    settings.RMA_LABEL_BATCH_SIZE = 1
    first, second = waiting(2)

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert label_of(second).status == LabelStatus.PENDING


def test_a_label_that_failed_an_attempt_is_left_to_its_own_retry(waiting):
    first, second = waiting(2)
    Label.objects.filter(pk=second.label.pk).update(attempts=1, last_error="OSError: storage away")

    label_generate_task.delay(first.label.pk)

    assert made(first)
    label = label_of(second)
    assert (label.status, label.attempts) == (LabelStatus.PENDING, 1)  # its retry comes after its backoff


def test_labels_of_returns_no_longer_approved_are_not_batched(waiting):
    first, second = waiting(2)
    ReturnRequest.objects.filter(pk=second.pk).update(status=ReturnStatus.IN_TRANSIT)  # handed over at a counter

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert label_of(second).status == LabelStatus.PENDING


# ---- A label that fails: the others are made, it fails alone in its own task


def test_a_label_whose_files_fail_in_a_batch_leaves_the_others_ready_and_is_untouched(waiting):
    first, second, third = waiting(3)
    files_blocked(second.label)

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert made(third)
    label = label_of(second)
    assert (label.status, label.attempts, label.last_error, label.tracking_number) == (
        LabelStatus.PENDING,
        0,
        "",
        None,
    )
    assert ReturnRequest.objects.get(pk=second.pk).status == ReturnStatus.APPROVED


def test_the_task_of_a_label_that_fails_in_a_batch_makes_the_others_then_fails_alone_with_retries(
    waiting, eager_retries
):
    first, second, third = waiting(3)
    files_blocked(second.label)

    result = label_generate_task.delay(second.label.pk)

    assert result.state == "FAILURE"
    assert isinstance(result.result, OSError)  # a storage error: retried with backoff, then failed for good
    assert made(first)
    assert made(third)
    label = label_of(second)
    assert label.status == LabelStatus.FAILED
    assert label.attempts == 1 + label_generate_task.max_retries
    assert label.last_error.startswith("OSError: ")
    assert label.tracking_number is None
    assert ReturnRequest.objects.get(pk=second.pk).status == ReturnStatus.APPROVED

    default_storage.delete(f"{label_file_name(label=label, kind='pdf')}/keep")
    label_retry(label=label)
    label_generate_task.delay(label.pk)
    label.refresh_from_db()
    assert (label.status, label.attempts, label.last_error) == (
        LabelStatus.READY,
        2 + label_generate_task.max_retries,
        "",
    )


def test_a_label_that_cannot_be_made_is_failed_by_its_own_task_only(waiting, eager_retries):
    first, second = waiting(2)
    ReturnRequest.objects.filter(pk=first.pk).update(destination_warehouse=None)

    result = label_generate_task.delay(first.label.pk)

    assert result.state == "FAILURE"
    assert made(second)
    label = label_of(first)
    assert (label.status, label.attempts) == (LabelStatus.FAILED, 1)  # permanent: no retry
    assert label.last_error.startswith("LabelError (no_destination_warehouse): ")


def test_a_tracking_number_taken_in_a_batch_is_asked_again_by_its_own_task(waiting):
    first, second = waiting(2)
    taken = tracking_number_for(str(second.public_id))
    Label.objects.create(status=LabelStatus.READY, tracking_number=taken)

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert label_of(second).status == LabelStatus.PENDING
    label_generate_task.delay(second.label.pk)
    assert made(second)
    assert label_of(second).tracking_number == tracking_number_for(f"{second.public_id}:1")


# ---- Carriers with an API: one label per task


def test_labels_of_a_carrier_with_an_api_are_not_batched(waiting, scripted_carrier):
    carrier = scripted_carrier()
    first, by_label, by_account, last = waiting(4)
    Label.objects.filter(pk=by_label.label.pk).update(carrier="scripted")
    # The account's carrier is the one that makes the label, whatever the label row says.
    account = CarrierAccount.objects.create(name="Scripted", carrier="scripted", credentials={})
    Label.objects.filter(pk=by_account.label.pk).update(account=account)

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert made(last)
    assert carrier.calls == 0
    assert {label_of(r).status for r in (by_label, by_account)} == {LabelStatus.PENDING}

    label_generate_task.delay(by_label.label.pk)
    assert carrier.calls == 1
    assert made(by_label)
    assert label_of(by_account).status == LabelStatus.PENDING
    label_generate_task.delay(by_account.label.pk)
    assert carrier.calls == 2
    assert made(by_account)


def test_a_task_for_a_carrier_with_an_api_makes_only_its_own_label(waiting, scripted_carrier):
    scripted_carrier()
    first, second = waiting(2)
    Label.objects.filter(pk=first.label.pk).update(carrier="scripted")

    label_generate_task.delay(first.label.pk)

    assert made(first)
    assert label_of(second).status == LabelStatus.PENDING


# ---- What a batch costs the database


@pytest.mark.parametrize("count", [2, 5])
def test_a_batch_runs_the_same_statements_whatever_its_number_of_labels(count, waiting, django_assert_num_queries):
    returns = waiting(count)

    with django_assert_num_queries(BATCH_STATEMENTS):
        label_generate_queued(label_id=returns[0].label.pk, batch_size=20)

    assert all(made(return_request) for return_request in returns)


def test_the_labels_made_together_are_timed_as_made(waiting):
    before = timezone.now()
    returns = waiting(2)

    label_generate_queued(label_id=returns[0].label.pk, batch_size=20)

    for label in Label.objects.all():
        assert label.ready_at >= before
        assert label.updated_at >= label.ready_at


# ---- Two workers: a batch takes what nobody else holds


@pytest.mark.django_db(transaction=True)
def test_a_batch_leaves_out_the_labels_another_worker_holds_instead_of_waiting(postgres_only, make_return):
    broker_breaker.trip()  # the label tasks are not sent: the labels stay pending (their sweeper would send them)
    try:
        held, first, second = (make_return() for _ in range(3))
    finally:
        broker_breaker.reset()
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(return_request_with_label_qs_select_for_update().filter(label__pk=held.label.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10), "the other worker never took its lock"
        # Had the batch waited for the held label, it would have made it once the other worker let go.
        batch = labels_generate_batch(label_id=held.label.pk, size=20)
    finally:
        release.set()
        thread.join(timeout=30)

    assert batch == {first.label.pk, second.label.pk}
    assert made(first)
    assert made(second)
    assert label_of(held).status == LabelStatus.PENDING
    label_generate_task.delay(held.label.pk)  # its own task: alone, the lock free again
    assert made(held)


def test_a_batch_reads_the_waiting_labels_from_their_own_index_in_order(waiting):
    """Only the labels waiting (pending, never tried) are in `shipping_label_waiting`: a batch reads them there,
    oldest first, however many labels were made before."""
    require(
        connection.vendor == "postgresql",
        "PostgreSQL (query plans)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )
    returns = waiting(3)

    plan = plan_in_index_order(waiting_for_batch(label_id=None))

    assert "shipping_label_waiting" in plan, plan
    assert "Sort" not in plan, plan
    taken = waiting_for_batch(label_id=returns[2].label.pk)
    assert [r.pk for r in taken] == [returns[2].pk, returns[0].pk, returns[1].pk]
