"""A carrier's tracking push (`/webhooks/carriers/<carrier>/`) costs a fixed number of SQL statements, whatever the
number of events it tells of a parcel, for the stand-in adapter and for InPost's (the carriers that push): the number
is pinned, so a statement more per delivery shows here, and one per event as a difference between one and four."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma.shipping.models import Label, TrackingEvent
from tests.shipping.carriers.inpost.conftest import WEBHOOK_TOKEN, shipx  # noqa: F401 - fixture
from tests.shipping.tracking.conftest import TrackingStatus, at, label_of, signed
from tests.shipping.tracking.test_inpost_webhook import (  # noqa: F401 - fixture
    basic,
    documented_status_change,
    inpost_return,
)

pytestmark = pytest.mark.django_db
# Pinned (the request's transaction is a savepoint here).
# A push: the carrier's accounts (whose secrets check the signature), the parcel's label; then its return and label,
# the events already known, the new ones in one INSERT, the label's status; the return on its way (the move, its
# event, what the email tells: warehouse, lines, order, drop-off point, label; the email queued; the shop's order);
# and the savepoints.
STANDIN_PUSH_QUERIES = 24
INPOST_PUSH_QUERIES = 24
ADDRESS_CHECK_QUERIES = 3  # a carrier checking its webhook address with a GET: its accounts, and the savepoint


def _push(client, code: str, body: bytes, headers: dict[str, str]) -> int:
    url = reverse("carrier-webhook", kwargs={"code": code})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["parcels"] == 1
    return len(queries)


def _delivery(tracking_number: str, events: int) -> dict:
    steps = [("DEPOSE", TrackingStatus.HANDED_OVER), *[("TRANSIT", TrackingStatus.IN_TRANSIT)] * (events - 1)]
    return {
        "parcels": [
            {
                "tracking_number": tracking_number,
                "events": [
                    {
                        "at": at(60 - minutes).isoformat(),
                        "code": code,
                        "label": code,
                        "status": status,
                        "place": "Lyon",
                    }
                    for minutes, (code, status) in enumerate(steps)
                ],
            }
        ]
    }


def test_a_push_costs_the_same_for_one_event_or_four(client, tracked_return, standin):
    first, one, four = (label_of(tracked_return()).tracking_number for _ in range(3))
    _push(client, "standin", *signed(_delivery(first, 1)))
    small = _push(client, "standin", *signed(_delivery(one, 1)))
    big = _push(client, "standin", *signed(_delivery(four, 4)))
    assert small == big == STANDIN_PUSH_QUERIES
    assert TrackingEvent.objects.filter(label__tracking_number=four).count() == 4


def test_a_carrier_checking_its_address_costs_a_fixed_few(client, standin):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("carrier-webhook", kwargs={"code": "standin"}))
    assert response.status_code == 200
    assert len(queries) == ADDRESS_CHECK_QUERIES


def test_inposts_documented_push_costs_a_fixed_number(client, inpost_return):  # noqa: F811
    pushed = _push(client, "inpost", documented_status_change(), basic(WEBHOOK_TOKEN))
    assert pushed == INPOST_PUSH_QUERIES
    assert Label.objects.get(return_request=inpost_return).tracking_status == TrackingStatus.DELIVERED
