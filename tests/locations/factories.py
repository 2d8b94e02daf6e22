"""Factories for the physical network: warehouses, shops and drop-off points."""

import factory
from factory.django import DjangoModelFactory

from rma.locations.models import DropOffPoint, Store, Warehouse


class WarehouseFactory(DjangoModelFactory[Warehouse]):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Entrepôt {o.code}")
    address_line1 = "ZAC des Portes"
    postcode = "77550"
    city = "Moissy-Cramayel"
    latitude = 48.6261
    longitude = 2.5931


class StoreFactory(DjangoModelFactory[Store]):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ST{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Boutique {o.code}")
    address_line1 = "10 rue de Rivoli"
    postcode = "75001"
    city = "Paris"
    latitude = 48.8606
    longitude = 2.3376
    default_warehouse = factory.SubFactory(WarehouseFactory)


class DropOffPointFactory(DjangoModelFactory[DropOffPoint]):
    class Meta:
        model = DropOffPoint

    carrier = "mondial_relay"
    carrier_point_id = factory.Sequence(lambda n: f"FR-{n:06d}")
    kind = "relay_point"
    name = factory.Sequence(lambda n: f"Tabac Presse {n}")
    address_line1 = "3 rue de la République"
    postcode = "69001"
    city = "Lyon"
    latitude = 45.7640
    longitude = 4.8357
    opening_hours = factory.LazyFunction(
        lambda: {d: [["09:00", "12:30"], ["14:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    )


def shop_with_counter(code: str, name: str, warehouse: Warehouse, **point_fields: str) -> Store:
    """A shop sending to `warehouse`, with its own drop-off point (customers hand returns in at its counter)."""
    store = StoreFactory(code=code, name=name, default_warehouse=warehouse)
    DropOffPointFactory(kind="store", carrier="shop", carrier_point_id=code, name=name, store=store, **point_fields)
    return store
