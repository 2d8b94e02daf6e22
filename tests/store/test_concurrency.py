"""Two people on the same shipment, on PostgreSQL with two connections: nothing lost, nothing duplicated."""

import pytest

from rma.core.exceptions import Conflict, DomainError, InvalidTransition
from rma.notifications.models import OutboxMessage
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Shipment, ShipmentItem
from rma.shipping.selectors import shipment_contents
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open, shipment_return_add
from tests.helpers import run_in_threads as race

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_two_clerks_scanning_the_same_return_add_it_once(
    postgres_only, store, clerk, second_clerk, make_return, hand_in
):
    return_request = hand_in(make_return())
    shipment = shipment_open(store=store, actor=clerk)
    first = carton_add(shipment=shipment, actor=clerk)
    second = carton_add(shipment=shipment, actor=clerk)
    results = race(
        lambda: shipment_return_add(shipment=shipment, carton=first, code=return_request.rma_number, actor=clerk),
        lambda: shipment_return_add(
            shipment=shipment, carton=second, code=return_request.rma_number, actor=second_clerk
        ),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1
    assert conflicts[0].code == "already_in_shipment"
    assert ShipmentItem.objects.filter(return_request=return_request, removed_at__isnull=True).count() == 1


def test_the_same_return_scanned_into_two_shipments_at_once_goes_in_one(
    postgres_only, store, clerk, second_clerk, make_return, hand_in
):
    return_request = hand_in(make_return())
    one = shipment_open(store=store, actor=clerk)
    two = shipment_open(store=store, actor=clerk)
    carton_one, carton_two = carton_add(shipment=one, actor=clerk), carton_add(shipment=two, actor=clerk)
    results = race(
        lambda: shipment_return_add(shipment=one, carton=carton_one, code=return_request.rma_number, actor=clerk),
        lambda: shipment_return_add(
            shipment=two, carton=carton_two, code=return_request.rma_number, actor=second_clerk
        ),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert ShipmentItem.objects.filter(return_request=return_request, removed_at__isnull=True).count() == 1


def test_many_scans_at_once_into_one_shipment_are_all_kept(postgres_only, store, clerk, second_clerk):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    calls = [
        (
            lambda i=i: shipment_loose_item_add(
                shipment=shipment, carton=carton, sku=f"SKU-{i}", quantity=1, kind="unsold", actor=clerk
            )
        )
        for i in range(6)
    ]
    results = race(*calls)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ShipmentItem.objects.filter(shipment=shipment).count() == 6


def test_closing_while_another_clerk_scans_never_loses_a_scan(postgres_only, store, clerk, second_clerk):
    for _attempt in range(3):
        shipment = shipment_open(store=store, actor=clerk)
        carton = carton_add(shipment=shipment, actor=clerk)
        shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-0", quantity=1, kind="unsold", actor=clerk)
        results = race(
            lambda pk=shipment.pk: shipment_close(shipment=Shipment.objects.get(pk=pk), actor=clerk),
            lambda s=shipment, c=carton: shipment_loose_item_add(
                shipment=s, carton=c, sku="SKU-LATE", quantity=2, kind="damaged", actor=second_clerk
            ),
        )
        close_result, scan_result = results
        assert not isinstance(close_result, Exception)
        assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.CLOSED
        late_kept = ShipmentItem.objects.filter(shipment=shipment, sku="SKU-LATE").exists()
        if isinstance(scan_result, Exception):
            # The close came first: the scan was refused with a clear message, and nothing was written.
            assert isinstance(scan_result, InvalidTransition)
            assert scan_result.code == "shipment_not_open"
            assert not late_kept
        else:
            # The scan came first: it is in the closed shipment and in what it announces.
            assert late_kept
        announced = [line.sku for c in shipment_contents(shipment=shipment).cartons for line in c.lines]
        assert sorted(announced) == sorted(
            ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True).values_list("sku", flat=True)
        )


def test_two_clerks_closing_at_once_close_once(postgres_only, store, clerk, second_clerk):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-0", quantity=1, kind="unsold", actor=clerk)
    results = race(
        lambda: shipment_close(shipment=Shipment.objects.get(pk=shipment.pk), actor=clerk),
        lambda: shipment_close(shipment=Shipment.objects.get(pk=shipment.pk), actor=second_clerk),
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1
    assert refused[0].code == "shipment_not_open"
    assert OutboxMessage.objects.filter(topic="shipment.closed", channel="webhook").count() == 1


def test_two_shipments_opened_at_once_get_different_numbers(postgres_only, store, clerk, second_clerk):
    results = race(
        lambda: shipment_open(store=store, actor=clerk),
        lambda: shipment_open(store=store, actor=second_clerk),
    )
    assert sorted(s.number for s in results) == ["SH-PAR01-000001", "SH-PAR01-000002"]
