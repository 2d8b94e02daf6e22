"""Tracking an InPost parcel: ShipX's history (GET /v1/tracking) read as our statuses, with ShipX's own words."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from rma.shipping.carriers import CarrierUnavailable, TrackingStatus
from rma.shipping.carriers.inpost.mapping import STATUS_MAP, tracking_status
from tests.shipping.carriers.inpost.conftest import label_request
from tests.shipping.carriers.inpost.fake import PAYLOADS


@pytest.fixture
def parcel(shipx, inpost):
    """A confirmed return label whose parcel the customer then drops and InPost carries to the warehouse."""
    label = inpost.create_label(request=label_request())
    shipment_id = int(label.carrier_reference)
    # After the label's "confirmed" event, which the fake stamps with the time of the call.
    for status, hours in (
        ("dispatched_by_sender", 1),
        ("taken_by_courier", 7),
        ("adopted_at_sorting_center", 13),
        ("delivered", 26),
    ):
        shipx.advance(shipment_id, status, shipx_time(DISPATCHED + timedelta(hours=hours - 1)))
    return label


# Whole minutes, as ShipX writes its times, in Warsaw's winter offset.
DISPATCHED = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)


def shipx_time(at: datetime) -> str:
    return at.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="milliseconds")


def test_the_history_reads_oldest_first_in_our_statuses_with_shipxs_titles(shipx, inpost, parcel):
    events = inpost.track(tracking_number=parcel.tracking_number)

    assert [event.code for event in events] == [
        "confirmed",
        "dispatched_by_sender",
        "taken_by_courier",
        "adopted_at_sorting_center",
        "delivered",
    ]
    assert [event.status for event in events] == [
        TrackingStatus.ANNOUNCED,
        TrackingStatus.HANDED_OVER,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.DELIVERED,
    ]
    assert events[1].at == DISPATCHED
    assert events[1].description == "Parcel posted in a Parcel Locker."
    assert events[-1].description == "Delivered."
    (statuses,) = shipx.calls("GET", "/v1/statuses")
    assert statuses.query == {"lang": "en_GB"}
    assert "authorization" not in statuses.headers  # public resources: no token sent
    assert "authorization" not in shipx.calls("GET", r"/v1/tracking/\d+")[0].headers


def test_the_statuses_are_read_once_for_every_adapter_of_the_same_api(shipx, inpost_settings, parcel):
    from rma.shipping.carriers.inpost import InPostCarrier

    InPostCarrier(inpost_settings).track(tracking_number=parcel.tracking_number)
    InPostCarrier(inpost_settings).track(tracking_number=parcel.tracking_number)

    assert len(shipx.calls("GET", "/v1/statuses")) == 1


def test_an_unsupported_language_is_refused_as_documented_and_the_names_are_shown(shipx, parcel):
    from rma.shipping.carriers.inpost import InPostCarrier
    from tests.shipping.carriers.inpost.conftest import settings_for

    events = InPostCarrier(settings_for(shipx, statuses_lang="fr_FR")).track(tracking_number=parcel.tracking_number)

    assert events[-1].description == "Delivered"
    answer = requests.get(f"{shipx.url}/v1/statuses", params={"lang": "fr_FR"}, timeout=5)
    assert answer.status_code == 400
    # "Statuses" page: the documented answer to lang=fr_FR.
    assert answer.json() == json.loads((PAYLOADS / "statuses-invalid-lang.json").read_text())


def test_the_titles_can_be_polish(shipx, parcel):
    from rma.shipping.carriers.inpost import InPostCarrier
    from tests.shipping.carriers.inpost.conftest import settings_for

    events = InPostCarrier(settings_for(shipx, statuses_lang="pl_PL")).track(tracking_number=parcel.tracking_number)

    assert events[-1].description == "Dostarczona."


def test_without_the_statuses_the_events_still_come_with_a_readable_name(shipx, inpost, parcel):
    shipx.fail("GET", "/v1/statuses", 503)

    events = inpost.track(tracking_number=parcel.tracking_number)

    assert events[1].description == "Dispatched by sender"
    assert events[1].status == TrackingStatus.HANDED_OVER


def test_a_number_shipx_does_not_know_yet_has_no_events(shipx, inpost):
    assert inpost.track(tracking_number="602677439331630337699999") == []


def test_when_the_public_tracking_knows_nothing_the_shipments_status_is_the_event(shipx, inpost, parcel):
    shipx.public_tracking = False

    (event,) = inpost.track(tracking_number=parcel.tracking_number)

    assert event.code == "delivered"
    assert event.status == TrackingStatus.DELIVERED
    assert event.description == "Delivered."


def test_tracking_during_an_outage_is_retried_later(shipx, inpost, parcel):
    shipx.fail("GET", r"/v1/tracking/\d+", 502)

    with pytest.raises(CarrierUnavailable):
        inpost.track(tracking_number=parcel.tracking_number)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("ready_to_pickup", TrackingStatus.AT_POINT),
        ("out_for_delivery", TrackingStatus.OUT_FOR_DELIVERY),
        ("pickup_time_expired", TrackingStatus.EXCEPTION),
        ("undelivered", TrackingStatus.EXCEPTION),
        ("missing", TrackingStatus.EXCEPTION),
        ("returned_to_sender", TrackingStatus.RETURNED_TO_SENDER),
        ("canceled", TrackingStatus.CANCELLED),
        ("a_status_shipx_adds_tomorrow", TrackingStatus.OTHER),
    ],
)
def test_shipx_statuses_and_ours(name, status):
    assert tracking_status(name) == status


def test_every_status_of_the_statuses_list_is_mapped():
    listed = {item["name"] for item in json.loads((PAYLOADS / "statuses_en_GB.json").read_text())["items"]}

    assert listed - set(STATUS_MAP) == set()


def test_the_documented_status_example_reads_as_waiting_at_a_point():
    # "Statuses" page, "Example of Status resource in JSON format".
    example = json.loads((PAYLOADS / "status-example.json").read_text())

    assert tracking_status(example["name"]) == TrackingStatus.AT_POINT
