"""Fixtures for the shop tests: two shops with their staff, a warehouse, returns dropped off at a shop."""

import io
from functools import partial

import pytest
import requests

from rma.connectors.models import ShopConnection
from tests.helpers import accept_at_counter, english_pages, staff_member  # noqa: F401 - english_pages is autouse
from tests.locations.factories import WarehouseFactory, shop_with_counter
from tests.returns.factories import return_request_make


@pytest.fixture(autouse=True)
def webhook_posts(monkeypatch):
    """The warehouse's webhook receiver (outside HTTP): records each POST and answers 204; no network."""
    posts = []

    def post(self, url, data=None, headers=None, **kwargs):
        posts.append({"url": url, "body": data, "headers": dict(headers or {})})
        response = requests.Response()
        response.status_code = 204
        response.url = url
        response.raw = io.BytesIO(b"")
        response._content = b""
        return response

    monkeypatch.setattr(requests.Session, "post", post)
    return posts


@pytest.fixture
def warehouse(db):
    """The warehouse, with its webhook and email for shipment notices."""
    return WarehouseFactory(
        code="WH-IDF",
        name="Entrepôt Île-de-France",
        notify_webhook_url="https://wms.example.com/hooks/asn",
        notify_webhook_secret="s3cret",
        notify_email="quai@example.com",
    )


def _shop(code, name, warehouse):
    return shop_with_counter(code, name, warehouse, postcode="75001", city="Paris")


@pytest.fixture
def store(warehouse):
    """A shop with its counter (its own drop-off point)."""
    return _shop("PAR01", "Boutique Rivoli", warehouse)


@pytest.fixture
def other_store(warehouse):
    return _shop("LYO01", "Boutique Bellecour", warehouse)


@pytest.fixture
def clerk(store):
    return staff_member(store, "camille", "store_staff", first_name="Camille", last_name="Durand")


@pytest.fixture
def second_clerk(store):
    return staff_member(store, "hugo", "store_staff", first_name="Hugo", last_name="Leroy")


@pytest.fixture
def other_clerk(other_store):
    return staff_member(other_store, "ines", "store_staff")


@pytest.fixture
def shop_connection(db):
    """A connected shop: the refunds and store credits of its orders' returns are made there (rma.connectors)."""
    return ShopConnection.objects.create(name="eu-shop", platform="woocommerce", shop_url="https://shop.example")


@pytest.fixture
def make_return(policy, reason, store):
    """A return prepared by the customer on the portal, to drop off at `store` (or `at=` another shop, `point=`)."""
    return partial(return_request_make, reason=reason, at=store, settle=True)


@pytest.fixture
def hand_in(clerk):
    """Accept every line of a return at its shop's counter (-> in_transit)."""

    def hand(return_request, store=None):
        return accept_at_counter(return_request, store=store or return_request.store, actor=clerk).return_request

    return hand


# Browser tests here reuse the portal engineer's Chromium set-up (Debian's /usr/bin/chromium).
from tests.portal.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
