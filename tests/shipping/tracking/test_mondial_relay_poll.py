"""The poll with a real adapter: a Mondial Relay label made with a Mondial Relay account, the customer drops the
parcel at the Point Relais (a step pushed on the fake WSI2_TracingColisDetaille), the poll moves the return."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import TrackingStatus
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from rma.shipping.models import Label, TrackingEvent
from rma.shipping.tracking_tasks import label_track_task
from tests.shipping.carriers.mondial_relay.conftest import _forget_bookings, mondial_relay  # noqa: F401 - fixtures
from tests.shipping.carriers.mondial_relay.test_tracking import REQUEST

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def mondial_return(make_return, mondial_relay):  # noqa: F811
    settings = mondial_relay.settings()
    account = CarrierAccount.objects.create(
        name="Mondial Relay returns",
        carrier="mondial_relay",
        credentials=dict(settings.credentials),
        base_url=settings.base_url,
        options=dict(settings.options),
    )
    booked = MondialRelayCarrier(settings).create_label(request=REQUEST).tracking_number
    return_request = make_return(status=ReturnStatus.LABEL_READY, tracking_number=booked)
    Label.objects.filter(return_request=return_request).update(carrier="mondial_relay", account=account)
    return return_request, booked


def test_the_drop_at_the_point_relais_moves_the_return_in_transit_with_the_customers_email(
    mondial_return,
    mondial_relay,  # noqa: F811
):
    return_request, booked = mondial_return
    label = Label.objects.get(return_request=return_request)
    assert label_track_task.delay(label.pk).get()["stored"] == 0  # booked, nothing scanned yet

    mondial_relay.step(
        booked, "dropped", at=datetime(2026, 3, 2, 10, 15, tzinfo=PARIS), point="FR-066974", place="LYON"
    )
    result = label_track_task.delay(label.pk).get()

    assert (result["stored"], result["moved_to"]) == (1, ReturnStatus.IN_TRANSIT)
    [event] = TrackingEvent.objects.filter(label=label)
    assert (event.status, event.description, event.location) == (
        TrackingStatus.HANDED_OVER,
        "Colis déposé en Point Relais",
        "LYON",
    )
    assert ReturnRequest.objects.get(pk=return_request.pk).status == ReturnStatus.IN_TRANSIT
    assert OutboxMessage.objects.filter(topic="parcel_in_transit", destination=return_request.contact_email).exists()
    # Asked about our parcel, signed with the account's private key (the fake refuses a wrong Security with STAT 97).
    call = mondial_relay.calls_of("WSI2_TracingColisDetaille")[-1]
    assert call.params["Expedition"] == booked
