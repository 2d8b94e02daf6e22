"""The transition service stores when a return last moved and when it was received (what the boards order on), and
the data migration fills both for returns made before, from their events."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.utils import timezone

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.returns.services import return_request_transition

pytestmark = pytest.mark.django_db
FILL = importlib.import_module("rma.returns.migrations.0009_fill_status_changed_and_received_at")


def test_each_move_stores_its_time_and_the_receipt_stays(make_return):
    return_request = make_return(status=S.IN_TRANSIT)
    assert return_request.received_at is None

    before = timezone.now()
    return_request_transition(return_request=return_request, to=S.RECEIVED)
    after = timezone.now()
    stored = ReturnRequest.objects.get(pk=return_request.pk)
    assert before <= stored.received_at <= after
    assert stored.status_changed_at == stored.received_at
    assert (return_request.status_changed_at, return_request.received_at) == (stored.received_at,) * 2

    return_request_transition(return_request=return_request, to=S.INSPECTED)
    inspected = ReturnRequest.objects.get(pk=return_request.pk)
    assert inspected.status_changed_at > stored.received_at
    assert inspected.received_at == stored.received_at  # the legal refund deadline still counts from receipt


def test_the_migration_fills_both_times_from_the_events(make_return):
    moving = make_return(status=S.IN_TRANSIT)
    received = make_return(status=S.IN_TRANSIT)
    return_request_transition(return_request=received, to=S.RECEIVED)
    silent = make_return(status=S.IN_TRANSIT)  # events lost: falls back on the last change of the row
    ReturnEvent.objects.filter(return_request=silent).delete()
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    ReturnRequest.objects.update(status_changed_at=long_ago, received_at=None)

    FILL.fill(apps, None)

    def event_at(return_request, status):
        return ReturnEvent.objects.filter(return_request=return_request, to_status=status).latest("created_at")

    rows = {r.pk: r for r in ReturnRequest.objects.all()}
    assert rows[moving.pk].status_changed_at == event_at(moving, S.IN_TRANSIT).created_at
    assert rows[moving.pk].received_at is None
    assert rows[received.pk].status_changed_at == event_at(received, S.RECEIVED).created_at
    assert rows[received.pk].received_at == event_at(received, S.RECEIVED).created_at
    assert rows[silent.pk].status_changed_at == rows[silent.pk].updated_at
