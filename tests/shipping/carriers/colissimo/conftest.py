"""Fixtures of the Colissimo adapter's tests: the fake Colissimo/La Poste, an adapter bound to it, a label request."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rma.shipping.carriers import Address, CarrierSettings, LabelRequest
from rma.shipping.carriers.colissimo import ColissimoCarrier
from tests.shipping.carriers.colissimo.fake import FakeColissimo, fake_colissimo_running

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def colissimo_settings(fake: FakeColissimo, **options: Any) -> CarrierSettings:
    """A carrier account pointed at the fake, with its credentials."""
    return CarrierSettings(
        account="colissimo-test",
        credentials={
            "contract_number": fake.contract_number,
            "password": fake.password,
            "okapi_key": fake.okapi_key,
        },
        base_url=fake.url,
        options=options,
        timeout=2.0,
    )


@pytest.fixture
def colissimo() -> Iterator[FakeColissimo]:
    """A fake Colissimo (SLS, Point Retrait) and La Poste Suivi v2 on 127.0.0.1."""
    with fake_colissimo_running() as fake:
        yield fake


@pytest.fixture
def colissimo_carrier(colissimo) -> Callable[..., ColissimoCarrier]:
    """Build the adapter for the fake, with account options."""

    def build(**options: Any) -> ColissimoCarrier:
        return ColissimoCarrier(colissimo_settings(colissimo, **options))

    return build


def label_request(**changes: Any) -> LabelRequest:
    """A return from a customer in Villeurbanne to the Lyon warehouse."""
    sender = Address(
        name="Camille Durand",
        line1="27 rue Henri Rolland",
        line2="Bâtiment B",
        postcode="69100",
        city="Villeurbanne",
        country="FR",
        phone="06 12 34 56 78",
        email="camille@example.com",
    )
    recipient = Address(
        name="Entrepôt Retours Lyon Sud",
        line1="12 rue des Entrepôts",
        line2="",
        postcode="69007",
        city="Lyon",
        country="FR",
        phone="04 72 00 00 00",
    )
    values: dict[str, Any] = {
        "reference": "8d0c5c8e-3a43-4c53-9d2b-4f2b7c2a1e11",
        "sender": sender,
        "recipient": recipient,
        "rma_number": "R-7KQ2-M9XD",
        "qr_payload": "R-7KQ2-M9XD.signature",
        "weight_grams": 1250,
        "drop_off_method": "post_office",
        "language": "fr",
    }
    values.update(changes)
    return LabelRequest(**values)
