"""Actors with real API tokens, and the reference data most API tests need."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rma.core import roles
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory, StoreFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory


def client_for(user) -> APIClient:
    """An API client that authenticates the way integrators do: `Authorization: Token <key>`."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def integration_user(db):
    return UserFactory(username="shop-api", roles=[roles.INTEGRATION])


@pytest.fixture
def integration(integration_user):
    return client_for(integration_user)


@pytest.fixture
def agent_user(db):
    return UserFactory(username="agent-claire", roles=[roles.AGENT])


@pytest.fixture
def agent(agent_user):
    return client_for(agent_user)


@pytest.fixture
def superuser(db):
    return client_for(UserFactory(username="root", is_superuser=True, is_staff=True))


@pytest.fixture
def nobody(db):
    """Authenticated, but with no role."""
    return client_for(UserFactory(username="no-role"))


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="WH-IDF")


@pytest.fixture
def other_warehouse(db):
    return WarehouseFactory(code="WH-LYS", postcode="69800", city="Saint-Priest", latitude=45.69, longitude=4.94)


@pytest.fixture
def store(warehouse):
    return StoreFactory(code="PAR-RIV", default_warehouse=warehouse)


@pytest.fixture
def other_store(other_warehouse):
    return StoreFactory(code="LYO-BEL", default_warehouse=other_warehouse, postcode="69002", city="Lyon")


@pytest.fixture
def store_user(store):
    user = UserFactory(username="store-paul", roles=[roles.STORE_STAFF])
    store.staff.add(user)
    return user


@pytest.fixture
def store_staff(store_user):
    return client_for(store_user)


@pytest.fixture
def warehouse_user(warehouse):
    user = UserFactory(username="wh-ines", roles=[roles.WAREHOUSE_STAFF])
    warehouse.staff.add(user)
    return user


@pytest.fixture
def warehouse_staff(warehouse_user):
    return client_for(warehouse_user)


@pytest.fixture
def policy(db):
    return ReturnPolicyFactory()


@pytest.fixture
def reason(db):
    return ReasonCodeFactory()


@pytest.fixture
def relay(db):
    return DropOffPointFactory(carrier_point_id="FR-RELAY-1")


@pytest.fixture
def store_point(store):
    return DropOffPointFactory(
        carrier="ours", carrier_point_id=store.code, kind="store", name=store.name, store=store, postcode="75001"
    )


@pytest.fixture
def order_line(db):
    return OrderLineFactory(external_id="L1", quantity=2, order__external_id="shop-1", order__number="ML1")


@pytest.fixture
def order(order_line):
    return order_line.order


@pytest.fixture
def make_return(policy, warehouse, relay, reason):
    """Create a return through the real service."""

    def make(*, order_line=None, quantity=1, submit=True, drop_off=None, **kwargs):
        order_line = order_line or OrderLineFactory()
        return return_request_create(
            order=order_line.order,
            lines=[ReturnLineInput(order_line=order_line, quantity=quantity, reason=kwargs.pop("reason", reason))],
            drop_off=drop_off or DropOffChoice(method="relay_point", point=relay),
            submit=submit,
            **kwargs,
        )

    return make
