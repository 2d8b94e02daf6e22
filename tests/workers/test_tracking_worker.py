"""Tracking through the real Celery worker on Redis: the beat's poll, one retried task per label, the return moved."""

import pytest

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label, TrackingEvent
from rma.shipping.tracking_tasks import tracking_poll_task
from tests.shipping.tracking.conftest import StandInCarrier, TrackingStatus, at, standin  # noqa: F401 - fixture
from tests.workers.live import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
TRACK = "rma.shipping.label_track"


def _status(return_request: ReturnRequest) -> str:
    return ReturnRequest.objects.get(pk=return_request.pk).status


def _ready_with_standin(make_return) -> tuple[ReturnRequest, Label]:
    """A return whose label the worker made, then handed to the stand-in carrier for tracking."""
    return_request = make_return()
    wait_for(lambda: _status(return_request) == ReturnStatus.LABEL_READY, what="the label")
    Label.objects.filter(return_request=return_request, status=LabelStatus.READY).update(carrier=StandInCarrier.code)
    return return_request, Label.objects.get(return_request=return_request)


def test_the_beats_poll_moves_the_return_in_transit_and_writes_the_customers_email(
    live_worker,
    make_return,
    standin,  # noqa: F811
):
    return_request, label = _ready_with_standin(make_return)
    standin.scan(label.tracking_number, TrackingStatus.HANDED_OVER, code="DEPOSE", text="Déposé", at=at(20))

    tracking_poll_task.delay()

    wait_for(lambda: _status(return_request) == ReturnStatus.IN_TRANSIT, what="the return in transit")
    live_worker.idle()
    assert TrackingEvent.objects.filter(label=label).count() == 1
    assert OutboxMessage.objects.filter(topic="parcel_in_transit", destination=return_request.contact_email).exists()
    assert live_worker.runs.results(TRACK, label.pk)[-1]["moved_to"] == ReturnStatus.IN_TRANSIT


def test_the_worker_retries_a_carrier_outage_and_applies_the_events_once(
    live_worker,
    make_return,
    standin,  # noqa: F811
):
    return_request, label = _ready_with_standin(make_return)
    standin.scan(label.tracking_number, TrackingStatus.IN_TRANSIT, code="ACH", text="En transit", at=at(20))
    standin.outages = 1

    tracking_poll_task.delay()

    # The first ask fails; the retry comes back after its backoff (up to 10 s with jitter).
    wait_for(lambda: _status(return_request) == ReturnStatus.IN_TRANSIT, what="the return after a retry", timeout=45)
    live_worker.idle()
    assert len(standin.polls) == 2
    assert TrackingEvent.objects.filter(label=label).count() == 1
