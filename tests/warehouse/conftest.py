"""Fixtures for the warehouse tests: an operator in a warehouse, the default grading data, returns on their way."""

from decimal import Decimal
from functools import partial

import pytest

from rma.core.queue import enqueue_on_commit
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open, shipment_return_add
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from rma.warehouse.services import warehouse_reference_data_seed
from tests.helpers import accept_at_counter, english_pages, staff_member  # noqa: F401 - english_pages is autouse
from tests.locations.factories import shop_with_counter
from tests.returns.factories import return_request_make


@pytest.fixture
def reference_data(db):
    warehouse_reference_data_seed()


@pytest.fixture
def operator(warehouse):
    return staff_member(warehouse, "alice", "warehouse_staff", first_name="Alice", last_name="Martin")


@pytest.fixture
def second_operator(warehouse):
    return staff_member(warehouse, "bruno", "warehouse_staff", first_name="Bruno", last_name="Petit")


@pytest.fixture
def outsider(other_warehouse):
    return staff_member(other_warehouse, "lea", "warehouse_staff")


@pytest.fixture
def make_return(make_return, warehouse, reference_data):
    """A return headed to `warehouse`, moved on to `status` (in transit unless told)."""
    return partial(make_return, status=ReturnStatus.IN_TRANSIT, destination=warehouse)


# ---- a shop that sends shipments to `warehouse`


@pytest.fixture
def shop(warehouse):
    return shop_with_counter("PAR01", "Boutique Rivoli", warehouse, city="Paris")


@pytest.fixture
def clerk(shop):
    return staff_member(shop, "camille", "store_staff", first_name="Camille", last_name="Durand")


@pytest.fixture
def shop_return(policy, shop, clerk, reference_data, reason):
    """A return handed in at the shop's counter (in transit), ready to go into a carton."""

    def make(*, quantity=1, **line_kwargs):
        return_request = return_request_make(reason=reason, at=shop, quantity=quantity, **line_kwargs)
        accept_at_counter(return_request, store=shop, actor=clerk)
        return_request.refresh_from_db()
        assert return_request.status == ReturnStatus.IN_TRANSIT
        return return_request

    return make


@pytest.fixture
def make_shipment(shop, clerk):
    """A shipment from the shop, one list per carton: returns, or (sku, quantity[, kind]) loose items."""

    def make(*cartons, dispatch=True, close=True, warehouse=None):
        shipment = shipment_open(store=shop, actor=clerk, warehouse=warehouse)
        for contents in cartons:
            carton = carton_add(shipment=shipment, actor=clerk)
            for item in contents:
                if isinstance(item, ReturnRequest):
                    shipment_return_add(shipment=shipment, carton=carton, code=item.rma_number, actor=clerk)
                else:
                    sku, quantity, *kind = item
                    shipment_loose_item_add(
                        shipment=shipment,
                        carton=carton,
                        sku=sku,
                        quantity=quantity,
                        kind=kind[0] if kind else "unsold",
                        actor=clerk,
                    )
        if close:
            shipment_close(shipment=shipment, actor=clerk)
            enqueue_on_commit(shipment_documents_generate_task, shipment.pk)  # as the shop's close view does
        if close and dispatch:
            shipment_dispatch(shipment=shipment, actor=clerk)
        shipment.refresh_from_db()
        return shipment

    return make


def price(value: str) -> Decimal:
    return Decimal(value)


# Browser tests here reuse the portal engineer's Chromium set-up (Debian's /usr/bin/chromium).
from tests.portal.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
