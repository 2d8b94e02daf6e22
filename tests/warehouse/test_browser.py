"""In Chromium, keyboard only: an operator receives a shop's two-carton shipment with one item missing; an operator
receives a customer parcel, grades it and releases the refund.

Screenshots of each step go to test-artifacts/warehouse-<step>.png.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.warehouse.models import Arrival, Discrepancy, Disposition, Refund
from rma.warehouse.services import arrival_register
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_receives_a_two_carton_shipment_with_one_missing_item(
    page: Page, live_server, client, make_shipment, shop_return, operator, clerk
):
    returned = shop_return(name="Chemise en lin")
    shipment = make_shipment([returned, ("SKU-A", 3)], [("SKU-B", 2, "damaged")])
    first, second = Carton.objects.filter(shipment=shipment).order_by("position")
    assert second.tracking_number  # the carrier labels were made when the shop closed the shipment
    base = live_server.url

    page.goto(base + "/warehouse/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")

    # The board announces the shipment; the scan field has the focus.
    expect(page.locator("[data-board=shipments]")).to_contain_text(shipment.number)
    expect(page.get_by_label("Scan a parcel")).to_be_focused()
    screenshot(page, "warehouse-shipment-01-board")

    # Carton 1: its label receives it and opens the count, the count field has the focus.
    page.keyboard.type(first.barcode)
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Carton {first.barcode} of shipment")
    expect(page.get_by_label("Count an item")).to_be_focused()
    # The customer's parcel inside: its label receives the return, which goes on to inspection.
    page.keyboard.type(returned.rma_number)
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Return {returned.rma_number} received")
    # Two of the three SKU-A announced are there.
    for _ in range(2):
        page.keyboard.type("sku-a")
        page.keyboard.press("Enter")
        expect(page.get_by_label("Count an item")).to_be_focused()
    expect(page.locator('[data-line="SKU-A"]')).to_have_attribute("data-state", "short")
    expect(page.locator('[data-line="SKU-A"] [data-counted]')).to_have_text("2")
    screenshot(page, "warehouse-shipment-02-carton-1-counted")
    # The carton's label again: its count is closed, and the shipment page waits for the next carton.
    page.keyboard.type(first.barcode)
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Carton {first.barcode} counted.")
    expect(page.locator(f'[data-carton="{first.barcode}"]')).to_have_attribute("data-state", "counted")
    expect(page.get_by_label("Scan a parcel")).to_be_focused()

    # Carton 2, by its carrier's label; two units at once: the quantity first, Enter, then the SKU.
    page.keyboard.type(second.tracking_number)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Count an item")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Quantity")).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Count an item")).to_be_focused()
    page.keyboard.type("SKU-B")
    page.keyboard.press("Enter")
    expect(page.locator('[data-line="SKU-B"]')).to_have_attribute("data-state", "ok")
    screenshot(page, "warehouse-shipment-03-carton-2-counted")
    page.keyboard.type(second.barcode)
    page.keyboard.press("Enter")

    # The last carton counted: the shipment is received, with the missing SKU-A as its one discrepancy.
    expect(page.locator("[data-message=warning]")).to_contain_text(
        f"Shipment {shipment.number} received with 1 discrepancy."
    )
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "received_with_discrepancies")
    expect(page.locator("[data-discrepancies] tr[data-kind=missing]")).to_contain_text("Announced 3, found 2.")
    screenshot(page, "warehouse-shipment-04-received-with-discrepancies")

    shipment = Shipment.objects.get(pk=shipment.pk)
    assert shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert [(f["carton"], f["kind"], f["sku"], f["quantity"]) for f in shipment.findings] == [
        (first.barcode, "missing", "SKU-A", 1)
    ]
    assert Discrepancy.objects.get().created_by == operator
    assert ReturnRequest.objects.get(pk=returned.pk).status == S.RECEIVED
    assert Arrival.objects.get(return_request=returned).carton == first
    # The sending shop sees it on its shipment.
    client.force_login(clerk)
    shop_page = client.get(f"/store/shipments/{shipment.public_id}/").content.decode()
    assert "Announced 3, found 2." in shop_page


def test_receive_grade_dispose_and_refund_with_the_keyboard(page: Page, live_server, make_return, operator, warehouse):
    return_request = make_return(quantity=2, tracking_number="RP123456785FR", name="Chemise en lin")
    # The board's flags: a parcel late in transit, and a received return whose legal refund date is near.
    late = make_return()
    moved = timezone.now() - timedelta(days=9)
    ReturnEvent.objects.filter(return_request=late, to_status=S.IN_TRANSIT).update(created_at=moved)
    ReturnRequest.objects.filter(pk=late.pk).update(status_changed_at=moved)
    due = make_return()
    arrival_register(code=due.rma_number, warehouse=warehouse, actor=operator)
    moved = timezone.now() - timedelta(days=12)
    ReturnEvent.objects.filter(return_request=due, to_status=S.RECEIVED).update(created_at=moved)
    ReturnRequest.objects.filter(pk=due.pk).update(received_at=moved)
    base = live_server.url

    # Log in on the warehouse's own page.
    page.goto(base + "/warehouse/")
    expect(page).to_have_url(re.compile(r"/warehouse/login/"))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")

    # The board: the parcel is expected; the scan field has the focus.
    expect(page.locator("[data-board=expected]")).to_contain_text(return_request.rma_number)
    expect(page.locator("[data-board=expected] tr", has=page.locator("[data-flag=late]"))).to_contain_text(
        late.rma_number
    )
    expect(page.locator("[data-board=awaiting] tr", has=page.locator("[data-flag=due-soon]"))).to_contain_text(
        due.rma_number
    )
    scan = page.get_by_label("Scan a parcel")
    expect(scan).to_be_focused()
    screenshot(page, "warehouse-01-board")

    # A scanner types the tracking number and Enter.
    page.keyboard.type("RP123456785FR")
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Return {return_request.rma_number} received.")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "received")
    expect(page.locator("[data-next]")).to_be_focused()
    screenshot(page, "warehouse-02-received")

    # Unit 1: grade A with its letter, Enter; accept the suggested disposition with Enter.
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chemise en lin")
    page.wait_for_load_state("domcontentloaded")  # the page's keys work once its deferred script has run
    page.keyboard.press("a")
    expect(page.locator("[data-grades] input:checked")).to_have_count(1)
    screenshot(page, "warehouse-03-grade-unit-1")
    page.keyboard.press("Enter")
    expect(page.locator("[data-suggestion]")).to_have_attribute("data-suggestion", "restock")
    expect(page.locator("[data-confirm]")).to_be_focused()
    screenshot(page, "warehouse-04-suggestion-unit-1")
    page.keyboard.press("Enter")

    # Unit 2: grade C, tick a checklist item with the keyboard; override the suggestion with a reason.
    expect(page.get_by_text("unit 2 of 2")).to_be_visible()
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("c")
    page.get_by_role("checkbox", name="Tags attached").focus()
    page.keyboard.press("Space")
    page.get_by_label("Notes").fill("Small stain on the cuff")
    page.get_by_label("Notes").press("Control+Enter")
    expect(page.locator("[data-suggestion]")).to_have_attribute("data-suggestion", "resell_secondhand")
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("6")  # donate
    reason = page.get_by_label("Why not the suggestion?")
    expect(reason).to_be_focused()
    page.keyboard.type("Partner charity collects this week")
    screenshot(page, "warehouse-05-override-unit-2")
    page.keyboard.press("Enter")

    # Every unit done: the refund preview, and the release button has the focus.
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "inspected")
    # 49.90 (A, 100 %) + 19.96 (C, 40 % of 49.90), no fee.
    expect(page.locator("[data-amount]")).to_have_text("€69.86")
    expect(page.locator("[data-release]")).to_be_focused()
    screenshot(page, "warehouse-06-refund-preview")
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text("Refund of €69.86 released.")
    screenshot(page, "warehouse-07-refund-released")

    refund = Refund.objects.get(return_request=return_request)
    assert refund.amount == Decimal("69.86")
    assert refund.released_by == operator
    assert ReturnRequest.objects.get(pk=return_request.pk).status == S.REFUNDED
    dispositions = {d.inspection.unit_index: d for d in Disposition.objects.select_related("inspection")}
    assert (dispositions[0].kind, dispositions[0].overridden) == ("restock", False)
    assert (dispositions[1].kind, dispositions[1].overridden) == ("donate", True)
    assert dispositions[1].override_reason == "Partner charity collects this week"
    assert dispositions[1].inspection.checklist["tags_attached"] is True
    assert dispositions[1].inspection.notes == "Small stain on the cuff"
    assert OutboxMessage.objects.filter(topic="refund.released", dedupe_key=refund.idempotency_key).exists()
