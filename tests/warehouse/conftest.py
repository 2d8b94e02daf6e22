"""Fixtures for the warehouse tests: an operator in a warehouse, the default grading data, returns on their way."""

from decimal import Decimal

import pytest
from django.utils import translation

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create, return_request_transition
from rma.shipping.models import Label, LabelStatus
from rma.warehouse.services import warehouse_reference_data_seed
from tests.factories import (
    DropOffPointFactory,
    OrderLineFactory,
    ReasonCodeFactory,
    ReturnPolicyFactory,
    UserFactory,
    WarehouseFactory,
)


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
    user = UserFactory(username="alice", first_name="Alice", last_name="Martin", roles=["warehouse_staff"])
    warehouse.staff.add(user)
    return user


@pytest.fixture
def second_operator(warehouse):
    user = UserFactory(username="bruno", first_name="Bruno", last_name="Petit", roles=["warehouse_staff"])
    warehouse.staff.add(user)
    return user


@pytest.fixture
def outsider(other_warehouse):
    user = UserFactory(username="lea", roles=["warehouse_staff"])
    other_warehouse.staff.add(user)
    return user


@pytest.fixture
def reason(db):
    return ReasonCodeFactory()


@pytest.fixture
def make_return(db, warehouse, reference_data, reason):
    """A return through the returns services, headed to `warehouse`, in the given status."""
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


def price(value: str) -> Decimal:
    return Decimal(value)


# Browser tests here reuse the portal engineer's Chromium set-up (Debian's /usr/bin/chromium).
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
