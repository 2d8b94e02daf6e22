"""Shipments from a shop to a warehouse: open, cartons, scans, removal, close, documents, dispatch, receipt."""

import csv
import io

import pytest

from rma.core.exceptions import Conflict, DomainError, InvalidTransition, NotEligible
from rma.core.queue import enqueue_on_commit
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment, ShipmentItem
from rma.shipping.selectors import shipment_contents, shipment_find_by_code
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch, shipment_receive_record
from rma.shipping.services.shipments import (
    carton_add,
    carton_remove,
    carton_weight_set,
    shipment_item_remove,
    shipment_loose_item_add,
    shipment_open,
    shipment_return_add,
    shipment_warehouse_change,
)
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from rma.store.selectors import shipment_totals
from rma.store.services.counter import CounterLineCheck, counter_return_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment(store, clerk):
    return shipment_open(store=store, actor=clerk)


@pytest.fixture
def carton(shipment, clerk):
    return carton_add(shipment=shipment, actor=clerk)


def test_a_shipment_opens_to_the_shops_default_warehouse_with_a_shop_number(store, clerk, warehouse, other_warehouse):
    first = shipment_open(store=store, actor=clerk)
    second = shipment_open(store=store, actor=clerk, warehouse=other_warehouse)
    assert (first.number, first.warehouse, first.status) == ("SH-PAR01-000001", warehouse, ShipmentStatus.OPEN)
    assert (second.number, second.warehouse) == ("SH-PAR01-000002", other_warehouse)
    assert first.opened_by == clerk
    shipment_warehouse_change(shipment=first, warehouse=other_warehouse, actor=clerk)
    assert Shipment.objects.get(pk=first.pk).warehouse == other_warehouse


def test_cartons_get_their_own_barcodes(shipment, clerk):
    first = carton_add(shipment=shipment, actor=clerk)
    second = carton_add(shipment=shipment, actor=clerk)
    assert [first.barcode, second.barcode] == ["CT-SH-PAR01-000001-01", "CT-SH-PAR01-000001-02"]
    carton_weight_set(carton=second, weight_grams=2500, actor=clerk)
    assert Carton.objects.get(pk=second.pk).weight_grams == 2500
    with pytest.raises(DomainError):
        carton_weight_set(carton=second, weight_grams=0, actor=clerk)
    carton_remove(carton=second, actor=clerk)
    assert list(shipment.cartons.values_list("position", flat=True)) == [1]


def test_scanning_returns_and_loose_items_with_running_totals(shipment, carton, make_return, hand_in, clerk):
    handed = hand_in(make_return(quantity=2))
    result = shipment_return_add(shipment=shipment, carton=carton, code=handed.rma_number.lower(), actor=clerk)
    assert result.message == f"Return {handed.rma_number} added to carton {carton.barcode}."
    assert result.item.quantity == 2
    loose = shipment_loose_item_add(
        shipment=shipment, carton=carton, sku=" sku-123 ", quantity=3, kind="unsold", actor=clerk
    )
    assert loose.item.sku == "SKU-123"
    assert shipment_totals(shipment=shipment) == {
        "cartons": 1,
        "scans": 2,
        "units": 5,
        "returns": 1,
        "weight_grams": 0,
    }


def test_a_partially_accepted_return_announces_only_the_accepted_lines(shipment, carton, make_return, store, clerk):
    return_request = make_return(lines=2)
    first, second = return_request.lines.order_by("id")
    counter_return_check(
        return_request=return_request,
        store=store,
        actor=clerk,
        checks=[
            CounterLineCheck(return_line_id=first.pk, condition="good", accepted=True),
            CounterLineCheck(return_line_id=second.pk, condition="damaged", accepted=False, refusal_reason="Broken"),
        ],
    )
    item = shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk).item
    assert item.quantity == 1
    contents = shipment_contents(shipment=shipment)
    assert [line.sku for line in contents.cartons[0].lines] == [first.order_line.sku]


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unknown", "unknown_code"),
        ("other_shop", "other_store"),
        ("cancelled", "return_not_shippable"),
        ("twice", "already_in_shipment"),
        ("other_shipment", "already_in_other_shipment"),
        ("shipped", "already_shipped"),
    ],
)
def test_bad_scans_are_refused_clearly_and_change_nothing(
    case, code, shipment, carton, make_return, hand_in, other_store, store, clerk
):
    mine = hand_in(make_return())
    scanned = {"unknown": "R-ZZZZ-ZZZZ"}.get(case, mine.rma_number)
    if case == "other_shop":
        scanned = make_return(at=other_store).rma_number
    elif case == "cancelled":
        scanned = make_return(status=S.CANCELLED).rma_number
    elif case == "twice":
        shipment_return_add(shipment=shipment, carton=carton, code=mine.rma_number, actor=clerk)
    elif case in ("other_shipment", "shipped"):
        earlier = shipment_open(store=store, actor=clerk)
        shipment_return_add(
            shipment=earlier, carton=carton_add(shipment=earlier, actor=clerk), code=mine.rma_number, actor=clerk
        )
        if case == "shipped":
            shipment_close(shipment=earlier, actor=clerk)
    before = ShipmentItem.objects.filter(shipment=shipment).count()
    with pytest.raises(DomainError) as refused:
        shipment_return_add(shipment=shipment, carton=carton, code=scanned, actor=clerk)
    assert refused.value.code == code
    assert refused.value.message
    assert ShipmentItem.objects.filter(shipment=shipment).count() == before


def test_a_return_that_reached_the_warehouse_cannot_be_shipped(shipment, carton, make_return, hand_in, clerk):
    return_request = hand_in(make_return())
    ReturnRequest.objects.filter(pk=return_request.pk).update(status=S.RECEIVED)
    with pytest.raises(Conflict) as refused:
        shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk)
    assert refused.value.code == "already_shipped"


def test_loose_items_need_a_sku_a_quantity_and_a_reason(shipment, carton, make_return, clerk):
    for kwargs, code in [
        ({"sku": "", "quantity": 1, "kind": "unsold"}, "invalid_sku"),
        ({"sku": "SKU-1", "quantity": 0, "kind": "unsold"}, "invalid_quantity"),
        ({"sku": "SKU-1", "quantity": 10_000, "kind": "unsold"}, "invalid_quantity"),
        ({"sku": "SKU-1", "quantity": 1, "kind": "customer_return"}, "invalid_kind"),
        ({"sku": make_return().rma_number, "quantity": 1, "kind": "damaged"}, "sku_is_a_return"),
    ]:
        with pytest.raises(DomainError) as refused:
            shipment_loose_item_add(shipment=shipment, carton=carton, actor=clerk, **kwargs)
        assert refused.value.code == code
    assert not ShipmentItem.objects.exists()


def test_a_carton_of_another_shipment_is_refused(shipment, carton, store, clerk):
    other = shipment_open(store=store, actor=clerk)
    with pytest.raises(DomainError) as refused:
        shipment_loose_item_add(shipment=other, carton=carton, sku="SKU-1", quantity=1, kind="unsold", actor=clerk)
    assert refused.value.code == "foreign_carton"


def test_a_mistaken_scan_is_removed_and_the_return_can_be_scanned_again(shipment, carton, make_return, hand_in, clerk):
    return_request = hand_in(make_return())
    item = shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk).item
    shipment_item_remove(item=item, actor=clerk)
    item.refresh_from_db()
    assert item.removed_at is not None
    assert item.removed_by == clerk
    with pytest.raises(Conflict):
        shipment_item_remove(item=item, actor=clerk)
    assert shipment_totals(shipment=shipment)["scans"] == 0
    again = shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk)
    assert again.item.pk != item.pk


def test_close_needs_filled_cartons(shipment, clerk):
    with pytest.raises(DomainError) as no_carton:
        shipment_close(shipment=shipment, actor=clerk)
    assert no_carton.value.code == "no_cartons"
    first = carton_add(shipment=shipment, actor=clerk)
    carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=first, sku="SKU-1", quantity=1, kind="damaged", actor=clerk)
    with pytest.raises(DomainError) as empty:
        shipment_close(shipment=shipment, actor=clerk)
    assert empty.value.code == "empty_carton"
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.OPEN


def fill_and_close(shipment, make_return, hand_in, clerk, *, approved_only=None):
    first = carton_add(shipment=shipment, actor=clerk)
    second = carton_add(shipment=shipment, actor=clerk)
    handed = hand_in(make_return(quantity=2, name="Chemise en lin"))
    shipment_return_add(shipment=shipment, carton=first, code=handed.rma_number, actor=clerk)
    if approved_only is not None:
        shipment_return_add(shipment=shipment, carton=first, code=approved_only.rma_number, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=second, sku="SKU-77", quantity=4, kind="recall", actor=clerk)
    carton_weight_set(carton=first, weight_grams=1800, actor=clerk)
    carton_weight_set(carton=second, weight_grams=5200, actor=clerk)
    shipment_close(shipment=shipment, actor=clerk)
    enqueue_on_commit(shipment_documents_generate_task, shipment.pk)  # as the close view does
    return handed, first, second


def test_closing_freezes_the_shipment_makes_documents_and_tells_the_warehouse(
    shipment, make_return, hand_in, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handed, first, second = fill_and_close(shipment, make_return, hand_in, clerk)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CLOSED
    assert shipment.closed_by == clerk
    assert shipment.closed_at is not None
    # Documents, made by the (eager) worker: the manifest and a carrier label per carton.
    assert shipment.documents_ready_at is not None
    assert shipment.manifest_pdf.read().startswith(b"%PDF")
    rows = list(csv.DictReader(io.StringIO(shipment.manifest_csv.read().decode("utf-8-sig"))))
    assert [(r["carton"], r["kind"], r["rma_number"], r["quantity"], r["carton_weight_grams"]) for r in rows] == [
        (first.barcode, "customer_return", handed.rma_number, "2", "1800"),
        (second.barcode, "recall", "", "4", "5200"),
    ]
    for carton in (first, second):
        carton.refresh_from_db()
        assert carton.tracking_number.startswith("RP")
        assert carton.label_pdf.read().startswith(b"%PDF")
        assert b"^XA" in carton.label_zpl.read()
    # Advance shipping notice: webhook and email, written with the close.
    notices = OutboxMessage.objects.filter(topic="shipment.closed").order_by("channel")
    assert [(m.channel, m.destination) for m in notices] == [
        ("email", "quai@example.com"),
        ("webhook", "https://wms.example.com/hooks/asn"),
    ]
    payload = notices[0].payload
    assert payload["shipment"] == shipment.number
    assert payload["rma_numbers"] == [handed.rma_number]
    assert payload["units"] == 6
    assert payload["weight_grams"] == 7000
    assert [c["barcode"] for c in payload["cartons"]] == [first.barcode, second.barcode]
    assert notices[1].dedupe_key == f"shipment:{shipment.public_id}:closed:webhook"
    # Nothing changes any more.
    for call in (
        lambda: carton_add(shipment=shipment, actor=clerk),
        lambda: shipment_loose_item_add(
            shipment=shipment, carton=first, sku="SKU-1", quantity=1, kind="unsold", actor=clerk
        ),
        lambda: shipment_item_remove(item=ShipmentItem.objects.filter(shipment=shipment).first(), actor=clerk),
        lambda: carton_weight_set(carton=first, weight_grams=10, actor=clerk),
        lambda: shipment_close(shipment=shipment, actor=clerk),
    ):
        with pytest.raises(InvalidTransition) as refused:
            call()
        assert refused.value.code == "shipment_not_open"
    assert ShipmentItem.objects.filter(shipment=shipment, removed_at__isnull=True).count() == 2


def test_documents_are_made_once_even_when_the_task_runs_twice(shipment, make_return, hand_in, clerk):
    _handed, first, _second = fill_and_close(shipment, make_return, hand_in, clerk)
    shipment_documents_generate(shipment_id=shipment.pk)
    first.refresh_from_db()
    tracking = first.tracking_number
    shipment_documents_generate(shipment_id=shipment.pk)
    first.refresh_from_db()
    assert first.tracking_number == tracking
    assert Carton.objects.filter(shipment=shipment, tracking_number__isnull=False).count() == 2


def test_dispatch_moves_the_shipment_and_its_returns_in_transit(shipment, make_return, hand_in, clerk, store):
    dropped = make_return()  # approved, dropped in the shop without a counter check
    handed, first, _second = fill_and_close(shipment, make_return, hand_in, clerk, approved_only=dropped)
    with pytest.raises(InvalidTransition):
        shipment_dispatch(shipment=shipment_open(store=store, actor=clerk), actor=clerk)
    shipment_dispatch(shipment=shipment, actor=clerk, pickup_reference=" PU-998 ")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DISPATCHED
    assert (shipment.dispatched_by, shipment.pickup_reference) == (clerk, "PU-998")
    dropped.refresh_from_db()
    handed.refresh_from_db()
    assert dropped.status == handed.status == S.IN_TRANSIT
    assert shipment.number in dropped.events.get(to_status=S.IN_TRANSIT).note
    assert handed.events.filter(to_status=S.IN_TRANSIT).count() == 1
    notice = OutboxMessage.objects.get(topic="shipment.dispatched", channel="webhook")
    assert notice.payload["pickup_reference"] == "PU-998"
    with pytest.raises(InvalidTransition) as again:
        shipment_dispatch(shipment=shipment, actor=clerk)
    assert again.value.code == "already_dispatched"


def test_the_warehouse_records_the_receipt_and_its_findings(shipment, make_return, hand_in, clerk):
    fill_and_close(shipment, make_return, hand_in, clerk)
    shipment_dispatch(shipment=shipment, actor=clerk)
    found = shipment_find_by_code(code=shipment.cartons.first().barcode.lower())
    assert found == (shipment, shipment.cartons.first())
    assert shipment_find_by_code(code=shipment.number) == (shipment, None)
    shipment_receive_record(
        shipment=shipment, actor=None, findings=[{"carton": "CT-X", "kind": "missing", "sku": "SKU-77", "quantity": 1}]
    )
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert shipment.findings[0]["kind"] == "missing"
    with pytest.raises(InvalidTransition):
        shipment_receive_record(shipment=shipment, actor=None)


def test_a_returnless_return_is_never_shipped(shipment, carton, make_return, clerk):
    return_request = make_return()
    ReturnRequest.objects.filter(pk=return_request.pk).update(returnless=True)
    with pytest.raises(NotEligible):
        shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk)
