"""Fixtures for the shop tests: two shops with their staff, a warehouse, returns dropped off at a shop."""

import io

import pytest
import requests
from django.utils import translation

from rma.returns.choices import ReturnStatus
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create, return_request_transition
from rma.shipping.services.counter import CounterLineCheck, counter_return_check
from tests.factories import (
    DropOffPointFactory,
    OrderLineFactory,
    ReasonCodeFactory,
    ReturnPolicyFactory,
    StoreFactory,
    UserFactory,
    WarehouseFactory,
)


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
    store = StoreFactory(code=code, name=name, default_warehouse=warehouse)
    DropOffPointFactory(
        kind="store", carrier="shop", carrier_point_id=code, name=name, store=store, postcode="75001", city="Paris"
    )
    return store


@pytest.fixture
def store(warehouse):
    return _shop("PAR01", "Boutique Rivoli", warehouse)


@pytest.fixture
def other_store(warehouse):
    return _shop("LYO01", "Boutique Bellecour", warehouse)


@pytest.fixture
def clerk(store):
    user = UserFactory(username="camille", first_name="Camille", last_name="Durand", roles=["store_staff"])
    store.staff.add(user)
    return user


@pytest.fixture
def second_clerk(store):
    user = UserFactory(username="hugo", first_name="Hugo", last_name="Leroy", roles=["store_staff"])
    store.staff.add(user)
    return user


@pytest.fixture
def other_clerk(other_store):
    user = UserFactory(username="ines", roles=["store_staff"])
    other_store.staff.add(user)
    return user


@pytest.fixture
def reason(db):
    return ReasonCodeFactory()


@pytest.fixture
def policy(db):
    return ReturnPolicyFactory()


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
        shop = store or return_request.store
        return counter_return_check(
            return_request=return_request,
            store=shop,
            actor=clerk,
            checks=[
                CounterLineCheck(return_line_id=line.pk, condition="as_new", accepted=True)
                for line in return_request.lines.all()
            ],
        ).return_request

    return hand


# Browser tests here reuse the portal engineer's Chromium set-up (Debian's /usr/bin/chromium).
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
