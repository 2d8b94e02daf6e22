"""A closed shipment's page shows its carrier labels once they are made, without a reload; its state and totals
read as French or English (adjectives, real plurals). In Chromium."""

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from rma.shipping.models import Shipment
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, language: str) -> None:
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(base + "/store/login/")
    page.locator("input[name=username]").fill("camille")
    page.locator("input[name=password]").fill("demo-password")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


@pytest.mark.parametrize(
    ("language", "state", "preparing"),
    [("fr", "Fermé", "Les étiquettes du transporteur sont en préparation"), ("en", "Closed", "being prepared")],
)
def test_the_labels_appear_when_ready_without_a_reload(
    page: Page, live_server, store, clerk, language, state, preparing
):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-1", quantity=2, kind="unsold", actor=clerk)
    shipment_close(shipment=shipment, actor=clerk)
    # As if the worker had not made the documents yet.
    Shipment.objects.filter(pk=shipment.pk).update(documents_ready_at=None)
    shipment.cartons.update(label_pdf="", label_zpl="")

    _log_in(page, live_server.url, language)
    page.goto(f"{live_server.url}/store/shipments/{shipment.public_id}/")
    expect(page.locator("h1 .status")).to_have_text(state)
    expect(page.locator("[data-documents-pending]")).to_contain_text(preparing)
    expect(page.locator("[data-carrier-label]")).to_have_count(0)
    marker = page.evaluate("() => (window.__notReloaded = true)")
    assert marker is True

    shipment_documents_generate(shipment_id=shipment.pk)

    expect(page.locator("[data-carrier-label]")).to_have_count(1, timeout=15000)
    expect(page.locator("[data-documents-pending]")).to_have_count(0)
    assert page.evaluate("() => window.__notReloaded === true")
