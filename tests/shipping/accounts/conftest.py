import pytest
from django.test import Client

from rma.shipping import carriers
from rma.shipping.accounts import CarrierAccount
from tests.shipping.accounts.standin import CarrierSystem, factory_for


@pytest.fixture
def client() -> Client:
    """The pages in English, the language these tests read."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def standin(monkeypatch) -> CarrierSystem:
    """Carrier "standin" in the registry, played by an in-memory carrier system."""
    system = CarrierSystem()
    monkeypatch.setitem(carriers._FACTORIES, system.code, factory_for(system))
    return system


@pytest.fixture
def other_carrier(monkeypatch) -> CarrierSystem:
    """A second carrier, "otherway", to tell accounts of different carriers apart."""
    system = CarrierSystem(code="otherway", api_key="other-key")
    monkeypatch.setitem(carriers._FACTORIES, system.code, factory_for(system))
    return system


@pytest.fixture
def make_account(db):
    def make(**fields) -> CarrierAccount:
        warehouses = fields.pop("warehouses", [])
        fields.setdefault("name", f"Account {CarrierAccount.objects.count() + 1}")
        fields.setdefault("carrier", "standin")
        fields.setdefault("credentials", {"api_key": "key-123"})
        account = CarrierAccount.objects.create(**fields)
        account.warehouses.set(warehouses)
        return account

    return make
