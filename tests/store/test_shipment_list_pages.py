"""The shop's shipments, newest first, a page at a time: every shipment the shop ever sent can be reached."""

import pytest

from rma.shipping.models import Shipment
from rma.shipping.services.shipments import shipment_open
from rma.store.views import shipments as shipment_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(store, clerk, monkeypatch):
    monkeypatch.setattr(shipment_pages, "SHIPMENTS_PER_PAGE", 2)
    for _ in range(5):
        shipment_open(store=store, actor=clerk)
    return [s.number for s in Shipment.objects.filter(store=store).order_by("-created_at", "-id")]


def _shown(content: str, numbers: list[str]) -> list[str]:
    return [number for number in numbers if f'data-shipment="{number}"' in content]


def test_pages_hold_the_shipments_newest_first(client, clerk, five):
    client.force_login(clerk)
    pages = [client.get("/store/shipments/", {"page": n}).content.decode() for n in (1, 2, 3)]
    assert [_shown(page, five) for page in pages] == [five[0:2], five[2:4], five[4:5]]
    assert 'rel="next"' in pages[0]
    assert 'rel="prev"' not in pages[0]
    assert 'rel="prev"' in pages[2]
    assert 'rel="next"' not in pages[2]
    assert "Older shipments" in pages[0]


def test_each_row_links_to_its_shipment(client, clerk, five, store):
    client.force_login(clerk)
    content = client.get("/store/shipments/").content.decode()
    newest = Shipment.objects.get(number=five[0])
    assert f'href="/store/shipments/{newest.public_id}/"' in content
    assert client.get(f"/store/shipments/{newest.public_id}/").status_code == 200


@pytest.mark.parametrize("page", ["0", "x", "-2", "10001"])
def test_a_page_that_is_not_a_page_is_not_found(client, clerk, page):
    client.force_login(clerk)
    assert client.get("/store/shipments/", {"page": page}).status_code == 404
