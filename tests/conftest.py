"""Suite-wide fixtures (the shared places, reference data, actors and returns) and the rule that CI skips nothing."""

import os
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rma.core import roles
from rma.core.reference_memo import reference_memos_forget
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory, StoreFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory, return_request_make

# The one real Celery worker of a test process (tests marked celery_worker use its live_worker fixture).
pytest_plugins = ["tests.workers.live", "tests.objectstore"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # pytest-django + Playwright's event loop

IN_CI = os.environ.get("CI") == "true"


def require(condition: bool, what: str, enable: str) -> None:
    """Skip (outside CI) or fail (in CI) a test whose environment lacks something."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing in CI; enable with: {enable}")
    pytest.skip(f"{what} is missing; enable with: {enable}")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reference_memos_forgotten():
    """Each test starts with empty reference memos: the previous test's rows were rolled back or flushed, which
    tells no memo (rma.core.reference_memo)."""
    reference_memos_forget()
    yield
    reference_memos_forget()


@pytest.fixture
def cache_down(settings) -> Iterator[str]:
    """Django's cache on a Redis that is down (nothing listens on port 1: connections are refused at once), as a
    production process sees it when Redis stops. Yields the logger whose warnings say what was not remembered."""
    working = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    yield "rma.core.shared_cache"
    settings.CACHES = working  # back before the fixtures that empty the cache when a test ends


def postgres_required(why: str) -> None:
    """Skip (or fail in CI) a test that needs the test database on PostgreSQL, saying `why`."""
    require(
        connection.vendor == "postgresql",
        f"PostgreSQL ({why})",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )


# SQLite's test database lives in the memory of the test process: other processes cannot open it, and a connection
# that closes it loses it for every test after (Django never closes it).
CLOSABLE_DATABASE = "a test database a connection can close and open again"


@pytest.fixture
def postgres_only():
    postgres_required("row locks across two connections")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(f"CI skips nothing, but {len(skipped)} test(s) were skipped.", red=True)
        config._ci_skipped = True


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and getattr(session.config, "_ci_skipped", False):
        session.exitstatus = 1


# ---- places and reference data; a directory that needs other values overrides the fixture with a call to the
# same factory (never a copy of a fixture below).


@pytest.fixture
def warehouse(db):
    """The warehouse every return goes to."""

    return WarehouseFactory(code="WH-IDF", name="Entrepôt Île-de-France")


@pytest.fixture
def other_warehouse(db):

    return WarehouseFactory(
        code="WH-LYS", name="Entrepôt Lyon", postcode="69800", city="Saint-Priest", latitude=45.69, longitude=4.94
    )


@pytest.fixture
def store(warehouse):
    """Our Paris shop, sending to `warehouse` (without a counter of its own: see tests/store)."""

    return StoreFactory(code="PAR-RIV", default_warehouse=warehouse)


@pytest.fixture
def other_store(other_warehouse):

    return StoreFactory(code="LYO-BEL", default_warehouse=other_warehouse, postcode="69002", city="Lyon")


@pytest.fixture
def store_point(store):
    """`store`'s own drop-off point."""

    return DropOffPointFactory(
        carrier="ours", carrier_point_id=store.code, kind="store", name=store.name, store=store, postcode="75001"
    )


@pytest.fixture
def relay(db):
    """A relay point where customers drop their parcels."""

    return DropOffPointFactory(name="Tabac de la Gare")


@pytest.fixture
def policy(db):
    """The default return policy (submitted returns are approved automatically)."""

    return ReturnPolicyFactory()


@pytest.fixture
def reason(db):
    """A return reason code."""

    return ReasonCodeFactory()


@pytest.fixture
def order_line(db):

    return OrderLineFactory(external_id="L1", quantity=2, order__external_id="shop-1", order__number="ML1")


@pytest.fixture
def order(order_line):
    return order_line.order


@pytest.fixture
def make_return(policy, warehouse, relay, reason) -> Callable[..., Any]:
    """Create (and by default submit) a return through the real service; options: `return_request_make`."""

    return partial(return_request_make, reason=reason, relay=relay)


# ---- actors with real API tokens


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
    from tests.core.factories import UserFactory

    return UserFactory(username="shop-api", roles=[roles.INTEGRATION])


@pytest.fixture
def integration(integration_user):
    return client_for(integration_user)


@pytest.fixture
def agent_user(db):
    from tests.core.factories import UserFactory

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
def store_user(store):
    from tests.core.factories import UserFactory

    user = UserFactory(username="store-paul", roles=[roles.STORE_STAFF])
    store.staff.add(user)
    return user


@pytest.fixture
def store_staff(store_user):
    return client_for(store_user)


@pytest.fixture
def warehouse_user(warehouse):
    from tests.core.factories import UserFactory

    user = UserFactory(username="wh-ines", roles=[roles.WAREHOUSE_STAFF])
    warehouse.staff.add(user)
    return user


@pytest.fixture
def warehouse_staff(warehouse_user):
    return client_for(warehouse_user)


# ---- the shop's stock API


@pytest.fixture
def fake_shop(settings):
    """The shop's stock API, a real server on 127.0.0.1, configured as the stock source (RMA_SHOP_API_URL)."""
    from tests.integrations.shop.fake_shop import fake_shop_running

    with fake_shop_running() as shop:
        settings.RMA_SHOP_API_URL = shop.url
        yield shop
