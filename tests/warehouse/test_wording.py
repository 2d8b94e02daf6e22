"""The warehouse pages name people as the messages do, and count cartons 1, 2, 3… after one is removed."""

import pytest
from django.urls import reverse

from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, carton_remove, shipment_loose_item_add, shipment_open
from rma.warehouse.services import ScanOutcome, arrival_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_already_received_names_the_person_the_page_shows(
    client, make_return, warehouse, operator, second_operator, language
):
    return_request = make_return(tracking_number="RP123456785FR")
    arrival_register(code="RP123456785FR", warehouse=warehouse, actor=operator)
    again = arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=second_operator)
    assert again.outcome == ScanOutcome.ALREADY_RECEIVED
    assert "Alice Martin" in again.message
    client.force_login(second_operator)
    page = client.get(reverse("warehouse:return", args=[return_request.public_id]), HTTP_ACCEPT_LANGUAGE=language)
    assert "Alice Martin" in page.content.decode()
    assert ">alice<" not in page.content.decode()


@pytest.mark.parametrize(
    ("language", "words", "received"),
    [("fr", "carton 1 sur 1", "Cartons reçus\u00a0: 0 sur 1."), ("en", "carton 1 of 1", "Cartons received: 0 of 1.")],
)
def test_a_carton_is_numbered_by_rank_after_another_was_removed(
    client, shop, clerk, operator, warehouse, language, words, received
):
    shipment = shipment_open(store=shop, actor=clerk, warehouse=warehouse)
    first = carton_add(shipment=shipment, actor=clerk)
    kept = carton_add(shipment=shipment, actor=clerk)
    carton_remove(carton=first, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=kept, sku="SKU-1", quantity=1, kind="unsold", actor=clerk)
    shipment_close(shipment=shipment, actor=clerk)
    client.force_login(operator)
    url = reverse("warehouse:carton", args=[shipment.public_id, kept.position])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in " ".join(page.split())
    shipment_page = client.get(reverse("warehouse:shipment", args=[shipment.public_id]), HTTP_ACCEPT_LANGUAGE=language)
    assert received in shipment_page.content.decode()
