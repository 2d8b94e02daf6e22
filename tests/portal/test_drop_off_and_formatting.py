"""The portal's drop-off options and the way it writes hours, prices and variants."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from rma.integrations.shop import Variant
from rma.portal.drop_off import drop_off_options
from rma.portal.formatting import money, opening_days, sku_label, variant_label
from tests.locations.factories import DropOffPointFactory


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
def test_the_review_names_an_exchange_variant_through_the_shop_client():
    with translation.override("en"):
        assert sku_label("CHM-LIN-BLA-M") == variant_label(Variant("CHM-LIN-BLA-M", "M", "blanc", True))
    assert "blanc" in sku_label("CHM-LIN-BLA-M")
    assert sku_label("NOPE-404") == "NOPE-404"
