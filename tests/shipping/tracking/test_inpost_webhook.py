"""The webhook endpoint with a real adapter: InPost's documented status change, pushed to /webhooks/carriers/inpost/
for a label made with an InPost account, against the fake ShipX (tests/shipping/carriers/inpost)."""

import base64
import json

import pytest
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import TrackingStatus
from rma.shipping.models import Label, TrackingEvent
from tests.shipping.carriers.inpost.conftest import WEBHOOK_TOKEN, settings_for, shipx  # noqa: F401 - fixture
from tests.shipping.carriers.inpost.fake import PAYLOADS

pytestmark = pytest.mark.django_db
# InPost ShipX "Webhooks" page, the documented example (tests/shipping/carriers/inpost/payloads).
DOCUMENTED_NUMBER = "602677439331630337653846"
URL = reverse("carrier-webhook", kwargs={"code": "inpost"})


def basic(token: str) -> dict[str, str]:
    """What an HTTP client sends for the URL registered at InPost, https://inpost:<token>@host/webhooks/..."""
    return {"Authorization": "Basic " + base64.b64encode(f"inpost:{token}".encode()).decode()}


@pytest.fixture
def inpost_return(make_return, shipx):  # noqa: F811
    settings = settings_for(shipx)
    account = CarrierAccount.objects.create(
        name="InPost returns",
        carrier="inpost",
        credentials=dict(settings.credentials),
        base_url=settings.base_url,
        options=dict(settings.options),
    )
    return_request = make_return(status=ReturnStatus.LABEL_READY, tracking_number=DOCUMENTED_NUMBER)
    Label.objects.filter(return_request=return_request).update(carrier="inpost", account=account)
    return return_request


def documented_status_change() -> bytes:
    body = json.loads((PAYLOADS / "webhook-status-changed.json").read_text())
    body["organization_id"] = 1234  # the fake's organization
    return json.dumps(body).encode()


def test_inposts_documented_delivery_push_moves_the_return_and_puts_it_at_the_dock(client, inpost_return):
    response = client.post(
        URL, data=documented_status_change(), content_type="application/json", headers=basic(WEBHOOK_TOKEN)
    )

    assert response.status_code == 200, response.content
    assert response.json()["events_stored"] == 1
    label = Label.objects.get(return_request=inpost_return)
    [event] = TrackingEvent.objects.filter(label=label)
    assert (event.code, event.status) == ("delivered", TrackingStatus.DELIVERED)
    assert label.tracking_status == TrackingStatus.DELIVERED
    assert ReturnRequest.objects.get(pk=inpost_return.pk).status == ReturnStatus.IN_TRANSIT


def test_a_push_without_the_accounts_token_is_refused(client, inpost_return):
    response = client.post(
        URL, data=documented_status_change(), content_type="application/json", headers=basic("guessed")
    )

    assert response.status_code == 401
    assert TrackingEvent.objects.count() == 0
