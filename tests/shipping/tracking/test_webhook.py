"""POST /webhooks/carriers/<code>/: a carrier pushes tracking events; the signature is checked by its adapter."""

import pytest
from django.urls import reverse

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping import carriers
from rma.shipping.accounts import CarrierAccount
from rma.shipping.choices import TrackingSource
from rma.shipping.models import TrackingEvent
from tests.shipping.tracking.conftest import (
    SIGNATURE_HEADER,
    StandInCarrier,
    TrackingStatus,
    at,
    label_of,
    signed,
)

pytestmark = pytest.mark.django_db
URL = reverse("carrier-webhook", kwargs={"code": "standin"})


def post(client, body: bytes, headers: dict[str, str], url: str = URL):
    return client.post(url, data=body, content_type="application/json", headers=headers)


def delivery(tracking_number: str, *steps: tuple[str, str, str, int]) -> dict:
    return {
        "parcels": [
            {
                "tracking_number": tracking_number,
                "events": [
                    {"at": at(minutes).isoformat(), "code": code, "label": text, "status": status, "place": "Paris 11"}
                    for code, text, status, minutes in steps
                ],
            }
        ]
    }


def test_a_signed_delivery_is_stored_and_moves_the_return(client, tracked_return, standin):
    return_request = tracked_return()
    number = label_of(return_request).tracking_number
    body, headers = signed(delivery(number, ("DEPOSE", "Déposé en relais", TrackingStatus.HANDED_OVER, 15)))

    response = post(client, body, headers)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "parcels": 1, "events_stored": 1, "unknown": 0}
    [event] = TrackingEvent.objects.all()
    assert (event.source, event.location) == (TrackingSource.WEBHOOK, "Paris 11")
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
    assert OutboxMessage.objects.filter(topic="parcel_in_transit").count() == 1


def test_the_same_delivery_twice_stores_and_sends_nothing_more(client, tracked_return, standin):
    return_request = tracked_return()
    number = label_of(return_request).tracking_number
    body, headers = signed(delivery(number, ("DEPOSE", "Déposé", TrackingStatus.HANDED_OVER, 15)))

    post(client, body, headers)
    again = post(client, body, headers)

    assert again.status_code == 200
    assert again.json()["events_stored"] == 0
    assert TrackingEvent.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="parcel_in_transit").count() == 1


def test_a_bad_or_missing_signature_is_refused_with_401_and_nothing_is_stored(client, tracked_return, standin):
    return_request = tracked_return()
    body, headers = signed(
        delivery(label_of(return_request).tracking_number, ("D", "x", TrackingStatus.HANDED_OVER, 1))
    )

    forged = post(client, body, {SIGNATURE_HEADER: "0" * 64})
    unsigned = post(client, body, {})
    tampered = post(client, body.replace(b"Paris", b"Lille"), headers)

    for response in (forged, unsigned, tampered):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_signature"
    assert TrackingEvent.objects.count() == 0
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.LABEL_READY


def test_unknown_tracking_numbers_are_acknowledged(client, tracked_return, standin):
    body, headers = signed(delivery("ZZ000000000FR", ("D", "x", TrackingStatus.HANDED_OVER, 1)))

    response = post(client, body, headers)

    assert response.status_code == 200
    assert response.json()["unknown"] == 1
    assert TrackingEvent.objects.count() == 0


def test_a_carrier_without_webhooks_or_unknown_answers_404(client, standin):
    body, headers = signed({"parcels": []})
    for code in ("builtin", "no-such-carrier"):
        response = post(client, body, headers, url=reverse("carrier-webhook", kwargs={"code": code}))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_signed_but_unreadable_delivery_is_a_400_not_a_500(client, standin):
    body, headers = signed({"parcels": [{"tracking_number": "X"}]})  # no events

    response = post(client, body, headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unreadable"


def test_a_get_answers_200_for_a_carrier_that_pushes_webhooks_so_its_address_can_be_registered(client, standin):
    """ShipX checks a webhook address with a GET when it is saved; nothing is read or stored."""
    response = client.get(URL)

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert TrackingEvent.objects.count() == 0
    assert client.get(reverse("carrier-webhook", kwargs={"code": "builtin"})).status_code == 404


def test_only_get_and_post_are_accepted(client, standin):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_header_names_are_read_whatever_their_case(client, tracked_return, standin):
    """The stand-in asks for its header in lower case, the client sends it in lower case, Django title-cases it."""
    return_request = tracked_return()
    body, headers = signed(
        delivery(label_of(return_request).tracking_number, ("D", "x", TrackingStatus.HANDED_OVER, 1))
    )

    response = post(client, body, {name.lower(): value for name, value in headers.items()})

    assert response.status_code == 200
    assert TrackingEvent.objects.count() == 1


def test_each_enabled_account_of_the_carrier_reads_deliveries_signed_with_its_own_secret(
    client, tracked_return, monkeypatch
):
    """Carrier accounts (admin): one adapter per enabled account, built with that account's credentials."""
    monkeypatch.setitem(
        carriers._FACTORIES,
        StandInCarrier.code,
        lambda settings: StandInCarrier(secret=settings.credentials.get("webhook_secret", "")),
    )
    CarrierAccount.objects.create(name="standin-a", carrier="standin", credentials={"webhook_secret": "secret-a"})
    CarrierAccount.objects.create(
        name="standin-b", carrier="standin", priority=200, credentials={"webhook_secret": "secret-b"}
    )
    CarrierAccount.objects.create(
        name="standin-off", carrier="standin", enabled=False, credentials={"webhook_secret": "secret-off"}
    )
    return_request = tracked_return()
    payload = delivery(label_of(return_request).tracking_number, ("D", "x", TrackingStatus.HANDED_OVER, 1))

    by_disabled = post(client, *signed(payload, secret="secret-off"))
    by_default = post(client, *signed(payload))  # no account has the stand-in's default secret
    by_second = post(client, *signed(payload, secret="secret-b"))

    assert (by_disabled.status_code, by_default.status_code) == (401, 401)
    assert by_second.status_code == 200
    assert TrackingEvent.objects.count() == 1
