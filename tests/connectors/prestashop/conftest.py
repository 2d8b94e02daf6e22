"""A fake PrestaShop webservice and a shop connection pointed at it; the real worker's fixtures for the full story."""

import pytest

from rma.connectors.models import ShopConnection
from tests.connectors.prestashop.fake import KEY, FakePrestaShop
from tests.connectors.prestashop.shop import catalogue_seed


@pytest.fixture
def fake():
    server = FakePrestaShop().start()
    catalogue_seed(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def connection(fake, db):
    return ShopConnection.objects.create(
        name="ps-eu",
        platform="prestashop",
        shop_url=fake.url,
        api_key=KEY,
        options={"timezone": "Europe/Paris", "page_size": 2},
    )
