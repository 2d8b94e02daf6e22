"""A return through Mondial Relay, start to finish with the real parts: the point directory is synced from Mondial
Relay's point search, the customer picks a Mondial Relay point on the map in Chromium, the worker books the label
with Mondial Relay (its own PDF, whose barcode scans to the expedition number), the carrier reports the parcel
dropped at the point, the poll moves the return to in_transit and the customer gets the email, the customer's page
shows the carrier's step, and the warehouse scans the parcel in.

Only Mondial Relay is faked: its SOAP web service and label server run on 127.0.0.1
(tests/shipping/carriers/mondial_relay/fake.py), in its documented format."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from rma.locations.models import DropOffPoint
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.accounts import CarrierAccount
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.tracking_tasks import tracking_poll_task
from tests.helpers import staff_member
from tests.portal.browser.test_portal_journey import find_order
from tests.portal.world import EMAIL, build_world
from tests.shipping.carriers.mondial_relay.conftest import LYON_POINT, mondial_relay  # noqa: F401 - fixture
from tests.shipping.carriers.mondial_relay.test_labels import _scan_code128
from tests.workers.live import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _customer_email_sent(rma_number: str) -> bool:
    return OutboxMessage.objects.filter(topic="parcel_in_transit", status="delivered").exists() and any(
        rma_number in message.subject and EMAIL in message.to for message in mail.outbox
    )


def test_a_return_left_at_a_mondial_relay_point_chosen_on_the_map_is_tracked_into_the_warehouse(
    page: Page,
    live_server,
    live_worker,
    shots,
    settings,
    tmp_path,
    mondial_relay,  # noqa: F811 - fixture imported above
):
    settings.RMA_OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    world = build_world()
    world.order.customer_phone = "06 12 34 56 78"
    world.order.save(update_fields=["customer_phone"])
    warehouse = world.store.default_warehouse
    staff_member(warehouse, "alice", "warehouse_staff", first_name="Alice", last_name="Martin")
    account = CarrierAccount.objects.create(
        name="Mondial Relay",
        carrier="mondial_relay",
        credentials=mondial_relay.credentials,
        base_url=mondial_relay.url,
        drop_off_methods=["relay_point", "locker"],
        countries=["FR"],
    )

    # 1. The directory is synced from Mondial Relay's point search around the customer's postcode; the sweep is
    #    complete, so the Mondial Relay point it no longer lists is closed (kept, not deleted).
    call_command("drop_off_points_sync", "--from-api", "mondial_relay", "--postcodes", "69003", "--complete")
    synced = DropOffPoint.objects.get(carrier="mondial_relay", carrier_point_id=LYON_POINT)
    assert synced.is_active
    assert synced.opening_hours["mon"] == [["09:00", "12:30"], ["14:00", "19:00"]]
    world.relay.refresh_from_db()
    assert not world.relay.is_active

    # 2. The customer returns both shirts and picks that point's pin on the map.
    find_order(page, live_server.url)
    page.get_by_role("checkbox", name=re.compile("Chemise en lin")).check()
    page.get_by_label("Quantity").select_option("2")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Reason").select_option(label="Too small")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Refund to the original payment").check()
    page.get_by_role("button", name="Continue").click()
    pin = page.get_by_role("button", name=re.compile(r"Tabac Presse du March", re.IGNORECASE))
    expect(pin).to_be_visible()
    pin.click()
    expect(pin).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("radio", name=re.compile(r"Tabac Presse du March", re.IGNORECASE))).to_be_checked()
    shots(page, "mondial-relay-01-map")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm the return").click()
    return_request = ReturnRequest.objects.get(order=world.order)
    expect(page.get_by_role("heading", level=1)).to_contain_text(return_request.rma_number)
    assert return_request.drop_off_point == synced

    # 3. The worker books the label with Mondial Relay, at that point, and keeps Mondial Relay's own PDF.
    wait_for(
        lambda: ReturnRequest.objects.filter(pk=return_request.pk, status=ReturnStatus.LABEL_READY).exists(),
        what="the label booked by the worker",
    )
    label = Label.objects.get(return_request=return_request)
    number = mondial_relay.number(1)
    assert (label.account, label.status, label.tracking_number) == (account, LabelStatus.READY, number)
    (booking,) = mondial_relay.calls_of("WSI2_CreationEtiquette")
    assert booking.params["COL_Rel"] == LYON_POINT.partition("-")[2]
    with label.pdf.open("rb") as handle:
        assert number in _scan_code128(tmp_path, handle.read())

    # 4. Mondial Relay reports the parcel dropped at the point; the poll on the worker moves the return on and the
    #    customer gets the "on its way" email.
    mondial_relay.step(number, "dropped", point=LYON_POINT)
    tracking_poll_task.delay()
    wait_for(
        lambda: ReturnRequest.objects.filter(pk=return_request.pk, status=ReturnStatus.IN_TRANSIT).exists(),
        what="in_transit after the carrier's scan",
    )
    wait_for(lambda: _customer_email_sent(return_request.rma_number), what="the customer's email")
    page.goto(f"{live_server.url}/r/{return_request.public_id}/")
    expect(
        page.get_by_text(re.compile("Parcel dropped off at the Pick Up Point|Colis déposé en Point Relais"))
    ).to_be_visible()
    shots(page, "mondial-relay-02-tracked")

    # 5. The parcel reaches the warehouse: the operator scans its Mondial Relay barcode and the return is received.
    page.goto(live_server.url + "/warehouse/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page.locator("[data-board=expected]")).to_contain_text(return_request.rma_number)
    page.get_by_label("Scan a parcel").fill(number)
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Return {return_request.rma_number} received.")
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.RECEIVED
