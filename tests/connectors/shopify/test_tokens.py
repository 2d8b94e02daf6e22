"""A Dev Dashboard app has no token to paste: the connector asks for one with the client credentials grant."""

import logging

import pytest

from rma.connectors.platforms import connector_for
from rma.connectors.platforms.base import PlatformError
from tests.connectors.shopify.fake import CLIENT_ID, CLIENT_SECRET, FakeShopify

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_dashboard_app(shop: FakeShopify, connection):
    connection.api_key = ""
    connection.api_secret = CLIENT_SECRET  # the app's client secret
    connection.webhook_secret = "key-of-the-notifications-page"  # webhooks made in the admin sign with another key
    connection.options = {**connection.options, "client_id": CLIENT_ID}
    connection.save()
    return connection


def test_a_token_is_granted_once_and_used_until_it_expires(shop, dev_dashboard_app):
    connector = connector_for(dev_dashboard_app)
    assert connector.order_fetch(order_ref="5501001") is not None
    assert connector.variants(product_ref="8800001", variant_ref="", sku="") != []
    [grant] = shop.grants
    assert grant == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }


def test_a_token_shopify_no_longer_takes_is_asked_for_again(shop, dev_dashboard_app):
    connector = connector_for(dev_dashboard_app)
    connector.order_fetch(order_ref="5501001")
    shop.revoke_granted()
    assert connector.order_fetch(order_ref="5501001") is not None
    assert len(shop.grants) == 2


def test_wrong_client_credentials_are_a_permanent_error(shop, dev_dashboard_app):
    dev_dashboard_app.options = {**dev_dashboard_app.options, "client_id": "someone-else"}
    dev_dashboard_app.save()
    with pytest.raises(PlatformError) as excinfo:
        connector_for(dev_dashboard_app).order_fetch(order_ref="5501001")
    assert (excinfo.value.status, excinfo.value.permanent) == (400, True)
    assert "invalid_client" in excinfo.value.message


def _cache_warnings(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


def test_with_the_cache_down_a_token_is_asked_for_at_each_call_and_the_calls_work(
    shop, dev_dashboard_app, cache_down, caplog
):
    connector = connector_for(dev_dashboard_app)

    assert connector.order_fetch(order_ref="5501001") is not None
    assert connector.order_fetch(order_ref="5501001") is not None

    assert len(shop.grants) == 2  # nothing remembered, nothing failed
    warnings = _cache_warnings(caplog, cache_down)
    assert any("the Shopify access token not read" in line for line in warnings)
    assert any("the Shopify access token not remembered" in line for line in warnings)


def test_with_the_cache_down_a_token_shopify_refuses_is_asked_for_again(shop, dev_dashboard_app, cache_down):
    connector = connector_for(dev_dashboard_app)
    connector.order_fetch(order_ref="5501001")
    shop.revoke_granted()

    assert connector.order_fetch(order_ref="5501001") is not None
