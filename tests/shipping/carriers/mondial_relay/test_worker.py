"""A Mondial Relay label made by the real worker (tests/workers/live.py) through an outage: the task's retry books
the expedition once, and the return is label_ready with Mondial Relay's number. The worker reaches the fake through
the Mondial Relay carrier account in the database (picked by the rules for a return dropped at the fake's Lyon Point
Relais), as in production: nothing in the registry is patched."""

import pytest

from rma.core.queue import enqueue_on_commit
from rma.returns.choices import ReturnStatus
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.tasks import label_generate_task
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_books_once_through_an_outage(
    live_worker, mondial_relay, mondial_relay_account, lyon_relay, make_return
):
    fake = mondial_relay
    fake.fail("WSI2_CreationEtiquette", status=503)
    with live_worker.broker_unreachable():  # the approval's own task is left to the sweeper: we send ours below
        return_request = make_return(point=lyon_relay, order__customer_phone="+33 6 12 34 56 78")
    label = Label.objects.get(return_request=return_request)
    assert (label.carrier, label.account) == (MondialRelayCarrier.code, mondial_relay_account)

    enqueue_on_commit(label_generate_task, label.pk)

    wait_for(
        lambda: Label.objects.filter(pk=label.pk, status=LabelStatus.READY).exists(),
        what="the label after one retry",
        timeout=40,
    )
    label.refresh_from_db()
    assert label.tracking_number == fake.number(1)
    assert label.attempts == 2  # the outage, then the booking
    assert list(fake.expeditions) == [fake.number(1)]
    assert len(fake.calls_of("WSI2_CreationEtiquette")) == 2
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.LABEL_READY
