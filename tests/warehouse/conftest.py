"""Fixtures for the warehouse tests: an operator in a warehouse, the default grading data, returns on their way."""

from decimal import Decimal

import pytest
from django.utils import translation

from rma.core.queue import enqueue_on_commit
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPolicy, ReturnRequest
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create, return_request_transition
from rma.shipping.models import Label, LabelStatus
from rma.shipping.services.shipments import (
    carton_add,
    shipment_close,
    shipment_dispatch,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
)
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from rma.warehouse.services import warehouse_reference_data_seed
from tests.helpers import accept_at_counter, staff_member
from tests.locations.factories import DropOffPointFactory, WarehouseFactory, shop_with_counter
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReturnPolicyFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English messages; pages default to English unless a test asks for French."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def reference_data(db):
    warehouse_reference_data_seed()


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="WH-IDF", name="Entrepôt Île-de-France")


@pytest.fixture
def other_warehouse(db):
    return WarehouseFactory(code="WH-LYS", name="Entrepôt Lyon")


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
def make_return(db, warehouse, reference_data, reason):
    """A return through the returns services, headed to `warehouse`, in the given status."""
    if not ReturnPolicy.objects.filter(is_default=True).exists():
        ReturnPolicyFactory()
    relay = DropOffPointFactory()

    def make(
        *,
        status=ReturnStatus.IN_TRANSIT,
        quantity=1,
        order_line=None,
        destination=None,
        tracking_number="",
        resolution="refund",
        exchange_sku="",
        line_reason=None,
        **line_kwargs,
    ):
        line = order_line or OrderLineFactory(quantity=max(quantity, 2), **line_kwargs)
        return_request = return_request_create(
            order=line.order,
            lines=[
                ReturnLineInput(
                    order_line=line, quantity=quantity, reason=line_reason or reason, exchange_sku=exchange_sku
                )
            ],
            drop_off=DropOffChoice(method="relay_point", point=relay),
            resolution=resolution,
            submit=True,
        )
        ReturnRequest.objects.filter(pk=return_request.pk).update(destination_warehouse=destination or warehouse)
        return_request.refresh_from_db()
        # After commit, the shipping app may already have made the label (approved -> label_ready).
        assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
        order = [ReturnStatus.APPROVED, ReturnStatus.LABEL_READY, ReturnStatus.IN_TRANSIT]
        if status == ReturnStatus.CANCELLED:
            path = [ReturnStatus.CANCELLED]
        else:
            path = order[order.index(return_request.status) + 1 : order.index(status) + 1]
        for target in path:
            return_request_transition(return_request=return_request, to=target)
        if tracking_number:
            Label.objects.update_or_create(
                return_request=return_request,
                defaults={"tracking_number": tracking_number, "status": LabelStatus.READY},
            )
        return return_request

    return make


# ---- a shop that sends shipments to `warehouse`


@pytest.fixture
def shop(warehouse):
    return shop_with_counter("PAR01", "Boutique Rivoli", warehouse, city="Paris")


@pytest.fixture
def clerk(shop):
    return staff_member(shop, "camille", "store_staff", first_name="Camille", last_name="Durand")


@pytest.fixture
def shop_return(shop, clerk, reference_data, reason):
    """A return handed in at the shop's counter (in transit), ready to go into a carton."""
    if not ReturnPolicy.objects.filter(is_default=True).exists():
        ReturnPolicyFactory()

    def make(*, quantity=1, **line_kwargs):
        line = OrderLineFactory(quantity=max(quantity, 2), **line_kwargs)
        return_request = return_request_create(
            order=line.order,
            lines=[ReturnLineInput(order_line=line, quantity=quantity, reason=reason)],
            drop_off=DropOffChoice(method="store", point=shop.drop_off_point),
            submit=True,
        )
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
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
