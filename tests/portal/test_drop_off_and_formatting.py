import json
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from django.utils import timezone, translation

from rma.integrations.shop import CatalogueShopClient, HttpShopClient, Variant, exchange_options, shop_client_get
from rma.portal.drop_off import drop_off_options
from rma.portal.formatting import money, opening_days, sku_label, variant_label
from rma.returns.carbon import carbon_estimate, convenience_sort_key
from tests.locations.factories import DropOffPointFactory
from tests.orders.factories import OrderLineFactory

# ---- carbon


def test_carbon_adds_the_car_trip_beyond_walking_distance(settings):
    settings.RMA_CARBON_FACTORS = {
        "carrier_leg_g": {"relay_point": 287, "store": 150, "home_pickup": 374},
        "car_g_per_km": 193,
        "dedicated_trip_share": {"relay_point": 0.3, "store": 0.5},
        "walkable_km": 1.0,
    }
    walk = carbon_estimate(kind="relay_point", distance_km=0.8)
    assert (walk.grams, walk.trip_g, walk.walkable) == (287, 0, True)
    drive = carbon_estimate(kind="relay_point", distance_km=5.0)
    assert drive.grams == 287 + round(2 * 5.0 * 193 * 0.3)
    assert carbon_estimate(kind="store", distance_km=3.0).grams == 150 + round(2 * 3.0 * 193 * 0.5)
    assert carbon_estimate(kind="home_pickup", distance_km=None).grams == 374


def test_factors_come_from_settings(settings):
    settings.RMA_CARBON_FACTORS = {**settings.RMA_CARBON_FACTORS, "carrier_leg_g": {"locker": 10}}
    assert carbon_estimate(kind="locker", distance_km=0.1).grams == 10


def test_greener_first_only_among_options_about_as_near():
    near_dirty = convenience_sort_key(distance_km=0.3, grams=374)
    near_green = convenience_sort_key(distance_km=0.6, grams=287)
    far_green = convenience_sort_key(distance_km=4.0, grams=150)
    assert sorted([far_green, near_dirty, near_green]) == [near_green, near_dirty, far_green]


@pytest.mark.django_db
def test_drop_off_options_are_nearest_first_with_hours_and_carbon(world):
    options, error = drop_off_options(order=world.order)
    assert error == ""
    kinds = {o["kind"] for o in options}
    assert kinds == {"store", "relay_point", "locker", "post_office", "home_pickup"}
    bands = [o["sort_key"][0] for o in options]
    assert bands == sorted(bands)
    assert all(o["carbon_g"] > 0 for o in options)
    first = options[0]
    assert first["name"] == "Tabac de la Guillotière"
    assert first["greenest"]
    assert first["walkable"]
    assert len(first["hours"]) == 7


@pytest.mark.django_db
def test_opening_days_show_closures_and_24_7():
    today = timezone.localdate()
    point = DropOffPointFactory(
        closures=[{"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()}],
    )
    days = opening_days(point)
    assert [d["open"] for d in days[:2]] == [False, False]
    assert days[0]["hours"] == "Fermé"
    locker = DropOffPointFactory(kind="locker", open_24_7=True, opening_hours={})
    with translation.override("en"):
        assert opening_days(locker)[3]["hours"] == "Open 24 hours"


def test_money_follows_the_language():
    with translation.override("fr"):
        assert money(Decimal("1234.5")) == "1\u202f234,50\xa0€" or money(Decimal("1234.5")) == "1\xa0234,50\xa0€"
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "€1,234.50"


# ---- the shop


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


def test_the_setting_chooses_the_client(settings):
    settings.RMA_SHOP_API_URL = ""
    assert isinstance(shop_client_get(), CatalogueShopClient)
    settings.RMA_SHOP_API_URL = "https://shop.example/api"
    assert isinstance(shop_client_get(), HttpShopClient)


@pytest.mark.django_db
def test_the_review_names_an_exchange_variant_through_the_shop_client():
    with translation.override("en"):
        assert sku_label("CHM-LIN-BLA-M") == variant_label(Variant("CHM-LIN-BLA-M", "M", "blanc", True))
    assert "blanc" in sku_label("CHM-LIN-BLA-M")
    assert sku_label("NOPE-404") == "NOPE-404"
