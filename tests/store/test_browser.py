"""A shop clerk serves a counter return, builds a two-carton shipment by typing barcodes as a scanner would,
closes it, downloads the manifest and dispatches it, in Chromium. Screenshots: test-artifacts/store-<step>.png.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import CounterCheck, Shipment, ShipmentItem
from tests.helpers import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page: Page, code: str) -> None:
    """A barcode scanner: types the code into the focused field, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_counter_return_then_a_two_carton_shipment(page: Page, live_server, make_return, clerk, store, tmp_path):
    customer_return = make_return(name="Chemise en lin")
    already_handed = make_return(name="Pull en laine")
    base = live_server.url

    # Log in on the shop's own page.
    page.goto(base + "/store/")
    expect(page).to_have_url(re.compile(r"/store/login/"))
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")

    # The counter: the scan field has the focus; the customer's QR code is scanned.
    scan_field = page.get_by_label("Scan a return")
    expect(scan_field).to_be_focused()
    screenshot(page, "store-01-counter")
    scan(page, customer_return.rma_number)
    expect(page.locator("[data-return]")).to_have_attribute("data-return", customer_return.rma_number)
    expect(page.locator("[data-confirm-check]")).to_be_focused()
    # Condition "as new" for the only line, accept, Enter.
    page.get_by_label("As new, in its packaging").check()
    screenshot(page, "store-02-check")
    page.locator("[data-confirm-check]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text(f"Return {customer_return.rma_number} accepted")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "in_transit")
    receipt = page.request.get(base + page.locator("[data-receipt='80mm']").get_attribute("href"))
    assert receipt.ok
    assert receipt.body().startswith(b"%PDF")
    screenshot(page, "store-03-handed-in")

    # A second customer's return, handed in the same way (the scanner types the RMA number without dashes).
    page.get_by_role("link", name="Next customer").click()
    expect(page.get_by_label("Scan a return")).to_be_focused()
    scan(page, already_handed.rma_number.replace("-", ""))
    expect(page.locator("[data-confirm-check]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "in_transit")

    # Shipments: open one to the shop's warehouse; carton 1 comes with it and the scan field has the focus.
    page.get_by_role("link", name="Shipments").click()
    page.locator("[data-open-shipment]").click()
    shipment = Shipment.objects.get()
    expect(page.locator("[data-shipment]").first).to_have_attribute("data-status", "open")
    expect(page.get_by_label("Scan a return or a carton")).to_be_focused()
    scan(page, customer_return.rma_number)
    expect(page.locator("[data-message=success]")).to_contain_text("added to carton CT-SH-PAR01-000001-01")
    # A bad scan: clear message, nothing changes.
    scan(page, "R-ZZZZ-ZZZZ")
    expect(page.locator("[data-message=error]")).to_contain_text("No return matches")
    # Loose items into carton 1: the SKU is scanned, the quantity and the reason typed.
    page.get_by_label("Why it goes back").select_option("recall")
    page.get_by_label("Quantity").fill("3")
    page.get_by_label("SKU", exact=True).focus()
    scan(page, "SKU-RECALL-7")
    expect(page.locator("[data-message=success]")).to_contain_text("3 × SKU-RECALL-7 (recall) added")
    expect(page.get_by_label("SKU", exact=True)).to_be_focused()

    # Carton 2: add it, then scan the second return into it, and a mistaken loose item that is removed.
    page.locator("[data-add-carton]").click()
    expect(page.locator("[data-current-carton]")).to_have_attribute("data-current-carton", "CT-SH-PAR01-000001-02")
    page.get_by_label("Scan a return or a carton").focus()
    scan(page, already_handed.rma_number)
    expect(page.locator("[data-message=success]")).to_contain_text("added to carton CT-SH-PAR01-000001-02")
    page.get_by_label("SKU", exact=True).focus()
    scan(page, "SKU-OOPS")
    page.locator("[data-carton='CT-SH-PAR01-000001-02'] tr[data-item='SKU-OOPS'] [data-remove]").click()
    expect(page.locator("[data-message=success]")).to_contain_text("Scan removed")
    # Scanning carton 1's barcode makes it current again.
    page.get_by_label("Scan a return or a carton").focus()
    scan(page, "CT-SH-PAR01-000001-01")
    expect(page.locator("[data-current-carton]")).to_have_attribute("data-current-carton", "CT-SH-PAR01-000001-01")
    page.get_by_label("Weight (kg)").first.fill("2.4")
    page.get_by_label("Weight (kg)").first.press("Enter")
    expect(page.locator("[data-total=units]")).to_have_text("5")
    expect(page.locator("[data-total=cartons]")).to_have_text("2")
    screenshot(page, "store-04-shipment-open")

    # Close (confirm), then download the manifest.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-close]").click()
    expect(page.locator("[data-message=success]")).to_contain_text("closed")
    expect(page.locator("[data-shipment]").first).to_have_attribute("data-status", "closed")
    expect(page.get_by_label("Carrier pickup reference")).to_be_focused()
    with page.expect_download() as download_info:
        page.locator("[data-manifest=csv]").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == "SH-PAR01-000001-manifest.csv"
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert sorted((r["carton"][-2:], r["kind"], r["rma_number"], r["quantity"]) for r in rows) == [
        ("01", "customer_return", customer_return.rma_number, "1"),
        ("01", "recall", "", "3"),
        ("02", "customer_return", already_handed.rma_number, "1"),
    ]
    with page.expect_download() as pdf_info:
        page.locator("[data-manifest=pdf]").click()
    assert pdf_info.value.suggested_filename.endswith(".pdf")
    screenshot(page, "store-05-closed")

    # Dispatch: the carrier's pickup reference, Enter.
    page.get_by_label("Carrier pickup reference").click()
    page.keyboard.type("PICKUP-2026-118")
    page.keyboard.press("Enter")
    expect(page.locator("[data-message=success]")).to_contain_text("dispatched")
    expect(page.locator("[data-shipment]").first).to_have_attribute("data-status", "dispatched")
    page.get_by_role("link", name="Shipments").click()
    expect(page.locator("[data-shipments] tr[data-shipment='SH-PAR01-000001']")).to_have_attribute(
        "data-status", "dispatched"
    )
    screenshot(page, "store-06-shipments")

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED
    assert shipment.pickup_reference == "PICKUP-2026-118"
    assert ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True).count() == 3
    assert CounterCheck.objects.filter(checked_by=clerk, accepted=True).count() == 2
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == {S.IN_TRANSIT}


def test_a_staff_page_asks_the_server_for_nothing_it_does_not_have(page: Page, live_server, clerk):
    """Every request a shop page makes is answered (the tab's icon included, which a browser asks for by itself)."""
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    # The icon's request is the browser's own: it shows as an error in the console, not as one of the page's.
    page.on("console", lambda message: failed.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/store/login/")
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("demo-password")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Scan a return")).to_be_focused()
    page.wait_for_load_state("networkidle")
    assert failed == []
