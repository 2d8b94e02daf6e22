"""The shop client: the demo catalogue by default, the shop's HTTP API when configured, never an error."""

import json

import pytest
import requests

from rma.connectors.models import ShopConnection
from rma.connectors.stock import ConnectionShopClient
from rma.integrations.shop import CatalogueShopClient, HttpShopClient, Variant, exchange_options, shop_client_get
from tests.orders.factories import OrderLineFactory


@pytest.mark.django_db
def test_the_default_client_knows_the_catalogue_and_the_orders():
    OrderLineFactory(sku="CUSTOM-RED-L", product_ref="CUSTOM", size="L", colour="rouge")
    OrderLineFactory(sku="CUSTOM-RED-M", product_ref="CUSTOM", size="M", colour="rouge")
    client = shop_client_get()  # the demo shop in the test settings
    shirts = client.variants_available(product_ref="CHM-LIN", sku="CHM-LIN-BLA-M")
    assert {"CHM-LIN-BLA-S", "CHM-LIN-CIE-M"} <= {v.sku for v in shirts}
    custom = exchange_options(client=client, product_ref="CUSTOM", sku="CUSTOM-RED-M")
    assert [v.sku for v in custom] == ["CUSTOM-RED-L"]
    assert exchange_options(client=client, product_ref="", sku="UNKNOWN") == []


class FakeShop(requests.adapters.BaseAdapter):
    """The shop's HTTP API, answered without a network."""

    def __init__(self, status: int = 200, body: object = None, error: Exception | None = None):
        super().__init__()
        self.status, self.body, self.error, self.requests = status, body, error, []

    def send(self, request, **kwargs):
        self.requests.append(request)
        if self.error:
            raise self.error
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.body).encode() if not isinstance(self.body, bytes) else self.body
        response.headers["Content-Type"] = "application/json"
        response.request, response.url = request, request.url
        return response

    def close(self):
        pass


def _client(adapter: FakeShop) -> HttpShopClient:
    session = requests.Session()
    session.mount("https://", adapter)
    return HttpShopClient(base_url="https://shop.example/api/", token="t0k", session=session)


def test_the_http_client_asks_the_shop_and_reads_availability():
    shop = FakeShop(
        body={
            "variants": [
                {"sku": "CHM-LIN-BLA-M", "size": "M", "colour": "blanc", "available": True},
                {"sku": "CHM-LIN-BLA-L", "size": "L", "colour": "blanc", "available": True},
                {"sku": "CHM-LIN-BLA-XL", "size": "XL", "colour": "blanc", "available": False},
                {"size": "no sku"},
            ]
        }
    )
    offered = exchange_options(client=_client(shop), product_ref="CHM-LIN", sku="CHM-LIN-BLA-M")
    assert offered == [Variant("CHM-LIN-BLA-L", "L", "blanc", True)]
    sent = shop.requests[0]
    assert sent.url == "https://shop.example/api/products/CHM-LIN/variants?sku=CHM-LIN-BLA-M"
    assert sent.headers["Authorization"] == "Bearer t0k"


@pytest.mark.parametrize(
    "shop",
    [
        FakeShop(status=503, body={"error": "down"}),
        FakeShop(body=b"<html>not json"),
        FakeShop(body={"variants": "nope"}),
        FakeShop(error=requests.ConnectionError("no route")),
        FakeShop(error=requests.Timeout("slow")),
    ],
)
def test_a_shop_that_fails_offers_no_exchange(shop):
    assert exchange_options(client=_client(shop), product_ref="CHM-LIN", sku="CHM-LIN-BLA-M") == []


@pytest.mark.django_db
def test_the_setting_chooses_the_client_and_an_enabled_shop_connection_comes_before_the_catalogue(settings):
    settings.RMA_SHOP_API_URL = ""
    assert isinstance(shop_client_get(), CatalogueShopClient)
    connection = ShopConnection.objects.create(name="eu", platform="woocommerce", shop_url="https://shop.example")
    assert isinstance(shop_client_get(), ConnectionShopClient)
    ShopConnection.objects.filter(pk=connection.pk).update(enabled=False)
    assert isinstance(shop_client_get(), CatalogueShopClient)
    settings.RMA_SHOP_API_URL = "https://shop.example/api"
    assert isinstance(shop_client_get(), HttpShopClient)
