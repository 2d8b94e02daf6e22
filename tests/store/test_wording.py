"""What the shop's shipment page says, in French and English: states as adjectives, real plurals, weights in the
reader's notation (a decimal comma accepted), cartons numbered 1, 2, 3… even after one is removed."""

import pytest
from django.urls import reverse

from rma.shipping.selectors import shipment_contents
from rma.shipping.services.shipments import carton_add, carton_remove, shipment_open

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def browser(client, clerk):
    client.force_login(clerk)
    return client


def page(browser, shipment, language, query=""):
    url = reverse("store:shipment", kwargs={"public_id": shipment.public_id}) + query
    return browser.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(("language", "state"), [("fr", "Ouvert"), ("en", "Open")])
def test_a_shipments_state_is_an_adjective(browser, store, clerk, language, state):
    shipment = shipment_open(store=store, actor=clerk)
    assert f'<span class="status status--open">{state}</span>' in page(browser, shipment, language)
    listing = browser.get(reverse("store:shipments"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<span class="status status--open">{state}</span>' in listing


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("fr", ['cartons">1</strong> carton<', 'units">0</strong> unité<'], 'cartons">2</strong> cartons<'),
        ("en", ['cartons">1</strong> carton<', 'units">0</strong> units<'], 'cartons">2</strong> cartons<'),
    ],
)
def test_totals_are_real_plurals(browser, store, clerk, language, one, two):
    shipment = shipment_open(store=store, actor=clerk)
    carton_add(shipment=shipment, actor=clerk)
    html = page(browser, shipment, language)
    for text in one:
        assert text in html
    carton_add(shipment=shipment, actor=clerk)
    assert two in page(browser, shipment, language)


@pytest.mark.parametrize(
    ("language", "typed", "field", "total"),
    [("fr", "1,5", 'value="1,5"', f"1,5{NBSP}kg"), ("en", "1.5", 'value="1.5"', f"1.5{NBSP}kg")],
)
def test_a_weight_is_typed_and_shown_in_the_readers_notation(browser, store, clerk, language, typed, field, total):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    url = reverse("store:carton-weight", kwargs={"public_id": shipment.public_id, "position": carton.position})
    browser.post(url, {"weight_kg": typed}, HTTP_ACCEPT_LANGUAGE=language)
    carton.refresh_from_db()
    assert carton.weight_grams == 1500
    html = page(browser, shipment, language)
    assert field in html
    assert f'data-total="weight">{total}<' in html


def test_a_decimal_comma_is_accepted_on_an_english_page_too(browser, store, clerk):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    url = reverse("store:carton-weight", kwargs={"public_id": shipment.public_id, "position": carton.position})
    browser.post(url, {"weight_kg": "2,25"}, HTTP_ACCEPT_LANGUAGE="en")
    carton.refresh_from_db()
    assert carton.weight_grams == 2250


@pytest.mark.parametrize(
    ("language", "heading", "chip"), [("fr", "Carton 1", "carton 1"), ("en", "Carton 1", "carton 1")]
)
def test_cartons_are_renumbered_after_one_is_removed(browser, store, clerk, language, heading, chip):
    shipment = shipment_open(store=store, actor=clerk)
    first = carton_add(shipment=shipment, actor=clerk)
    second = carton_add(shipment=shipment, actor=clerk)
    carton_remove(carton=first, actor=clerk)
    html = page(browser, shipment, language, f"?carton={second.position}")
    assert f"<h3>{heading} <span" in html
    assert "Carton 2" not in html
    assert chip in html.lower()
    contents = shipment_contents(shipment=shipment)
    assert [(c.barcode, c.number) for c in contents.cartons] == [(second.barcode, 1)]
    assert contents.as_payload()["cartons"][0]["number"] == 1
