"""Fixtures for the shop tests: two shops with their staff, a warehouse, returns dropped off at a shop."""

import io

import pytest
import requests
from django.utils import translation

from rma.returns.choices import ReturnStatus
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create, return_request_transition
from tests.helpers import accept_at_counter, staff_member
from tests.locations.factories import WarehouseFactory, shop_with_counter
from tests.orders.factories import OrderLineFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


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
    return WarehouseFactory(
        code="WH-IDF",
        name="Entrepôt Île-de-France",
        notify_webhook_url="https://wms.example.com/hooks/asn",
        notify_webhook_secret="s3cret",
        notify_email="quai@example.com",
    )


@pytest.fixture
def other_warehouse(db):
    return WarehouseFactory(code="WH-LYS", name="Entrepôt Lyon")


def _shop(code, name, warehouse):
    return shop_with_counter(code, name, warehouse, postcode="75001", city="Paris")


@pytest.fixture
def store(warehouse):
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
def make_return(policy, reason, store):
    """A return prepared by the customer on the portal, to drop off at `store` (or another point)."""

    def make(*, at=None, lines=1, quantity=1, status=None, point=None, **line_kwargs):
        shop = at or store
        order_lines = [OrderLineFactory(quantity=max(quantity, 2), **line_kwargs)]
        for _ in range(lines - 1):
            order_lines.append(OrderLineFactory(order=order_lines[0].order, quantity=max(quantity, 2)))
        drop_off = (
            DropOffChoice(method=point.kind, point=point)
            if point
            else DropOffChoice(method="store", point=shop.drop_off_point)
        )
        return_request = return_request_create(
            order=order_lines[0].order,
            lines=[ReturnLineInput(order_line=line, quantity=quantity, reason=reason) for line in order_lines],
            drop_off=drop_off,
            submit=True,
        )
        return_request.refresh_from_db()
        assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
        if status == ReturnStatus.CANCELLED:
            return_request_transition(return_request=return_request, to=ReturnStatus.CANCELLED)
        return return_request

    return make


@pytest.fixture
def hand_in(clerk):
    """Accept every line of a return at its shop's counter (-> in_transit)."""

    def hand(return_request, store=None):
        return accept_at_counter(return_request, store=store or return_request.store, actor=clerk).return_request

    return hand


# Browser tests here reuse the portal engineer's Chromium set-up (Debian's /usr/bin/chromium).
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
