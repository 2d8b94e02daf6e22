"""Fixtures of the InPost adapter's tests: a fake ShipX on 127.0.0.1, an account pointing at it, a return's request.

Other tests may use them too (`from tests.shipping.carriers.inpost.conftest import shipx, inpost_settings  # noqa:
F401 - fixtures`, as tests/shipping/conftest.py does with its label fixtures), or start the fake without pytest
with `tests.shipping.carriers.inpost.fake.start()` / `stop()`.
"""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from rma.shipping.carriers import Address, CarrierSettings, LabelRequest
from rma.shipping.carriers.inpost import InPostCarrier, client
from tests.shipping.carriers.inpost.fake import FakeShipX, shipx_running

WEBHOOK_TOKEN = "w3bh00k-t0ken"
DROP_LOCKER = "KRA010"  # where the customer drops the return
WAREHOUSE_LOCKER = "WAR01M"  # where the warehouse collects returns


@pytest.fixture
def shipx() -> Iterator[FakeShipX]:
    # A new fake may get the port of an earlier one: no status titles read from that one.
    client._STATUS_TITLES.clear()
    with shipx_running() as fake:
        fake.postcodes.update({"30-347": (50.0382, 19.9262), "00-001": (52.2297, 21.0122)})
        fake.add_point(DROP_LOCKER)
        fake.add_point(WAREHOUSE_LOCKER, location={"latitude": 52.2299, "longitude": 21.0118})
        yield fake


def settings_for(shipx: FakeShipX, **options: Any) -> CarrierSettings:
    """An InPost account on the fake: its token and organization, the warehouse's locker, no waiting between reads."""
    return CarrierSettings(
        account="inpost-test",
        credentials={"token": shipx.token, "organization_id": shipx.organization_id, "webhook_token": WEBHOOK_TOKEN},
        base_url=shipx.url,
        options={
            "target_point": WAREHOUSE_LOCKER,
            "confirm_interval": 0,
            "confirm_attempts": 3,
            "search_recheck_seconds": 0,
            **options,
        },
        timeout=2.0,
    )


@pytest.fixture
def inpost_settings(shipx) -> CarrierSettings:
    return settings_for(shipx)


@pytest.fixture
def inpost(inpost_settings) -> InPostCarrier:
    return InPostCarrier(inpost_settings)


def label_request(**changes: Any) -> LabelRequest:
    """A return from Kraków to the warehouse in Warsaw, dropped in locker KRA010."""
    request = LabelRequest(
        reference="5c1e3a52-1b7e-4c51-9a57-0d3f1c2b9e01",
        sender=Address(
            name="Anna Kowalska",
            line1="12 Kapelanka",
            line2="",
            postcode="30-347",
            city="Kraków",
            country="PL",
            phone="+48 600 700 800",
            email="anna@example.com",
        ),
        recipient=Address(
            name="Magazyn Zwrotów",
            line1="5 Marszałkowska",
            line2="",
            postcode="00-001",
            city="Warszawa",
            country="PL",
            phone="+48 22 100 20 30",
            email="returns@example.com",
        ),
        rma_number="RMA-2026-000123",
        qr_payload="RMA-2026-000123.sig",
        drop_off_method="locker",
        drop_off_point_id=DROP_LOCKER,
    )
    return replace(request, **changes)
