"""The shop pages: login, scope (a shop sees nothing of another), the counter, shipments and their files."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnPhoto, ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import CounterCheck, Shipment, ShipmentItem
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open
from tests.core.factories import UserFactory
from tests.core.pictures import heic_header_then_html, jpeg_with_gps
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, clerk):
    client.force_login(clerk)
    return client


def closed_shipment(store, clerk):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-1", quantity=2, kind="unsold", actor=clerk)
    shipment_close(shipment=shipment, actor=clerk)
    return shipment


def test_anonymous_users_go_to_the_shop_login_and_other_roles_are_refused(client, store):
    response = client.get("/store/")
    assert response.status_code == 302
    assert response["Location"].startswith("/store/login/?next=/store/")
    assert client.get("/store/login/").status_code == 200
    for role in ("agent", "warehouse_staff", "integration"):
        client.force_login(UserFactory(username=f"u-{role}", roles=[role]))
        assert client.get("/store/").status_code == 403
        assert client.get("/store/shipments/").status_code == 403


def test_store_staff_log_in_on_the_shop_page(client, clerk):
    response = client.post("/store/login/", {"username": "camille", "password": "demo-password"})
    assert response.status_code == 302
    assert response["Location"] == "/store/"
    page = client.get("/store/")
    assert page.status_code == 200
    assert "Boutique Rivoli" in page.content.decode()


def test_a_scan_opens_the_return_and_a_bad_scan_says_why(browser, make_return, other_store):
    return_request = make_return()
    response = browser.post("/store/scan/", {"code": return_request.rma_number.replace("-", "").lower()})
    assert response["Location"] == f"/store/returns/{return_request.public_id}/"
    bad = browser.post("/store/scan/", {"code": "NOPE-123"}, follow=True)
    assert "No return matches the code" in bad.content.decode()
    theirs = make_return(at=other_store)
    other = browser.post("/store/scan/", {"code": theirs.rma_number}, follow=True)
    assert "handled by another shop" in other.content.decode()


def test_the_counter_check_accepts_and_refuses_lines_and_prints_receipts(browser, make_return, clerk):
    return_request = make_return(lines=2)
    first, second = return_request.lines.order_by("id")
    page = browser.get(f"/store/returns/{return_request.public_id}/")
    assert page.status_code == 200
    assert "Confirm the check" in page.content.decode()
    response = browser.post(
        f"/store/returns/{return_request.public_id}/",
        {
            f"line-{first.pk}-condition": "as_new",
            f"line-{first.pk}-decision": "accept",
            f"line-{second.pk}-condition": "damaged",
            f"line-{second.pk}-decision": "refuse",
            f"line-{second.pk}-reason": "Screen cracked",
        },
        follow=True,
    )
    body = response.content.decode()
    assert f"Return {return_request.rma_number} accepted: 1 item handed in." in body
    assert "Screen cracked" in body
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT
    assert CounterCheck.objects.get(return_line=second).refusal_reason == "Screen cracked"
    for size in ("a4", "80mm"):
        receipt = browser.get(f"/store/returns/{return_request.public_id}/receipt-{size}.pdf")
        assert receipt.status_code == 200
        assert receipt["Content-Type"] == "application/pdf"
        assert receipt.content.startswith(b"%PDF")
    assert browser.get(f"/store/returns/{return_request.public_id}/receipt-a5.pdf").status_code == 404


def test_a_refusal_without_reason_is_shown_and_changes_nothing(browser, make_return):
    return_request = make_return()
    line = return_request.lines.get()
    response = browser.post(
        f"/store/returns/{return_request.public_id}/",
        {f"line-{line.pk}-condition": "worn", f"line-{line.pk}-decision": "refuse", f"line-{line.pk}-reason": ""},
    )
    assert response.status_code == 422
    assert "Say why an item is refused." in response.content.decode()
    assert ReturnRequest.objects.get(pk=return_request.pk).status == return_request.status
    assert not CounterCheck.objects.exists()


def test_staff_start_a_return_from_the_order(browser, store, reason, policy):
    line = OrderLineFactory(order__number="ML424242", order__customer_email="chloe@example.fr", quantity=3)
    found = browser.post("/store/orders/find/", {"order_number": "ML424242", "email_or_postcode": "chloe@example.fr"})
    assert found.status_code == 302
    order_url = found["Location"]
    page = browser.get(order_url)
    assert line.sku in page.content.decode()
    created = browser.post(
        order_url, {f"qty-{line.pk}": "2", f"reason-{line.pk}": reason.code, "resolution": "refund"}
    )
    return_request = ReturnRequest.objects.get(order=line.order)
    assert created["Location"] == f"/store/returns/{return_request.public_id}/"
    assert (return_request.channel, return_request.store, return_request.lines.get().quantity) == ("store", store, 2)
    wrong = browser.post("/store/orders/find/", {"order_number": "ML424242", "email_or_postcode": "x@example.fr"})
    assert wrong["Location"] == "/store/"
    assert browser.get("/store/orders/forged-token/").status_code == 404


def test_a_reason_that_requires_a_photo_needs_one_at_the_counter_too(browser, store, policy):
    damaged = ReasonCodeFactory(code="damaged", label_en="Arrived damaged", requires_photo=True)
    line = OrderLineFactory(order__number="ML515151", order__customer_email="chloe@example.fr", quantity=1)
    order_url = browser.post(
        "/store/orders/find/", {"order_number": "ML515151", "email_or_postcode": "chloe@example.fr"}
    )["Location"]
    assert f'name="photos-{line.pk}"' in browser.get(order_url).content.decode()
    form = {f"qty-{line.pk}": "1", f"reason-{line.pk}": "damaged", "resolution": "refund"}

    refused = browser.post(order_url, form)
    assert refused.status_code == 422
    assert "Add a photo of" in refused.content.decode()
    forged = browser.post(
        order_url, {**form, f"photos-{line.pk}": SimpleUploadedFile("x.heic", heic_header_then_html())}
    )
    assert forged.status_code == 422
    assert "is not a picture we can read" in forged.content.decode()
    assert not ReturnRequest.objects.exists()

    created = browser.post(order_url, {**form, f"photos-{line.pk}": SimpleUploadedFile("box.jpg", jpeg_with_gps())})
    assert created.status_code == 302
    photo = ReturnPhoto.objects.get(return_line__return_request__order=line.order)
    assert photo.return_line.reason == damaged
    assert b"PhoneMaker" not in photo.image.read()
    # The shop handling the return sees the photo.
    assert (
        browser.get(reverse("return-photo", args=[photo.return_line.return_request.public_id, photo.pk])).status_code
        == 200
    )


def test_a_shop_sees_nothing_of_another_shop(client, other_clerk, clerk, store, make_return):
    mine = make_return()
    shipment = closed_shipment(store, clerk)
    carton = shipment.cartons.get()
    client.force_login(other_clerk)
    urls = [
        f"/store/returns/{mine.public_id}/",
        f"/store/returns/{mine.public_id}/receipt-a4.pdf",
        f"/store/shipments/{shipment.public_id}/",
        f"/store/shipments/{shipment.public_id}/manifest.pdf",
        f"/store/shipments/{shipment.public_id}/manifest.csv",
        f"/store/shipments/{shipment.public_id}/cartons/{carton.position}/label.pdf",
        f"/store/shipments/{shipment.public_id}/cartons/{carton.position}/barcode.pdf",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [
        f"/store/shipments/{shipment.public_id}/dispatch/",
        f"/store/shipments/{shipment.public_id}/scan/",
        f"/store/shipments/{shipment.public_id}/cartons/",
    ]:
        assert client.post(url, {"code": mine.rma_number}).status_code == 404, url
    listing = client.get("/store/shipments/").content.decode()
    assert shipment.number not in listing
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.CLOSED


def test_building_a_shipment_through_the_pages(browser, store, make_return, hand_in, clerk):
    handed = hand_in(make_return())
    opened = browser.post("/store/shipments/open/", {"warehouse": store.default_warehouse_id})
    shipment = Shipment.objects.get()
    assert opened["Location"] == f"/store/shipments/{shipment.public_id}/"
    base = f"/store/shipments/{shipment.public_id}"
    assert shipment.cartons.count() == 1  # the first carton comes with the shipment
    browser.post(f"{base}/cartons/")
    second = shipment.cartons.get(position=2)
    # A carton's barcode makes it the current one; a return's code goes into the current carton.
    switched = browser.post(f"{base}/scan/", {"code": shipment.cartons.get(position=1).barcode, "carton": "2"})
    assert switched["Location"].endswith("?carton=1")
    browser.post(f"{base}/scan/", {"code": handed.rma_number, "carton": "1"})
    browser.post(f"{base}/items/", {"sku": "sku-9", "quantity": "3", "kind": "damaged", "carton": "2"})
    browser.post(f"{base}/cartons/2/weight/", {"weight_kg": "4.25"})
    second.refresh_from_db()
    assert second.weight_grams == 4250
    page = browser.get(f"{base}/?carton=2").content.decode()
    assert 'data-total="units">4<' in page
    assert "4.25" in page
    again = browser.post(f"{base}/scan/", {"code": handed.rma_number, "carton": "2"}, follow=True)
    assert f"Return {handed.rma_number} is already in carton" in again.content.decode()
    # Remove a mistaken scan.
    mistake = browser.post(f"{base}/items/", {"sku": "OOPS", "quantity": "1", "kind": "unsold", "carton": "2"})
    assert mistake.status_code == 302
    item = ShipmentItem.objects.get(sku="OOPS")
    browser.post(f"{base}/items/{item.pk}/remove/")
    assert ShipmentItem.objects.get(pk=item.pk).removed_at is not None
    # Close, download, dispatch.
    browser.post(f"{base}/close/")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CLOSED
    manifest = browser.get(f"{base}/manifest.csv")
    assert manifest.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(manifest.streaming_content).decode("utf-8-sig"))))
    assert {(r["sku"], r["quantity"]) for r in rows} == {(handed.lines.get().order_line.sku, "1"), ("SKU-9", "3")}
    pdf = browser.get(f"{base}/manifest.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    label = browser.get(f"{base}/cartons/1/label.zpl")
    assert b"^XA" in b"".join(label.streaming_content)
    assert browser.get(f"{base}/manifest.exe").status_code == 404
    closed_scan = browser.post(f"{base}/scan/", {"code": "R-AAAA-BBBB", "carton": "1"}, follow=True)
    assert "can no longer change" in closed_scan.content.decode()
    browser.post(f"{base}/dispatch/", {"pickup_reference": "PU-1"})
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED
    listing = browser.get("/store/shipments/").content.decode()
    assert shipment.number in listing
    assert "Dispatched" in listing


def test_pages_answer_in_french_and_in_english(browser, store):
    french = browser.get("/store/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Scanner un retour" in french
    assert "Comptoir" in french
    english = browser.get("/store/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Scan a return" in english
    shipments = browser.get("/store/shipments/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ouvrir un envoi" in shipments


def test_the_shipment_list_shows_the_warehouse_findings(browser, store, clerk):
    from rma.shipping.services.shipment_handover import shipment_dispatch, shipment_receive_record

    shipment = closed_shipment(store, clerk)
    shipment_dispatch(shipment=shipment, actor=clerk)
    shipment_receive_record(
        shipment=shipment, actor=None, findings=[{"carton": "X", "kind": "missing", "sku": "SKU-1"}]
    )
    listing = browser.get(reverse("store:shipments")).content.decode()
    assert "Received with discrepancies" in listing
    assert "1 finding" in listing
    detail = browser.get(reverse("store:shipment", kwargs={"public_id": shipment.public_id})).content.decode()
    assert "missing" in detail
