"""The warehouse pages for shops' shipments: the board, scanning, counting a carton, finishing, the report."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnRequest
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.warehouse.models import CartonReceipt, CountedItem, Discrepancy
from rma.warehouse.services import carton_count_add, carton_count_finish, carton_receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, operator):
    client.force_login(operator)
    return client


def cartons_of(shipment):
    return list(Carton.objects.filter(shipment=shipment).order_by("position"))


def carton_url(shipment, position, what=""):
    base = reverse("warehouse:carton", kwargs={"public_id": shipment.public_id, "position": position})
    return base + (f"{what}/" if what else "")


def test_the_board_lists_announced_shipments_with_age_and_a_late_flag(
    web, make_shipment, other_warehouse, warehouse, operator
):
    on_time = make_shipment([("SKU-A", 1)], [("SKU-B", 1)])
    late = make_shipment([("SKU-A", 1)])
    Shipment.objects.filter(pk=late.pk).update(dispatched_at=timezone.now() - timedelta(days=4))
    announced = make_shipment([("SKU-A", 1)], dispatch=False)
    elsewhere = make_shipment([("SKU-A", 1)], warehouse=other_warehouse)
    still_open = make_shipment([("SKU-A", 1)], close=False)
    carton_receive(carton=cartons_of(on_time)[0], warehouse=warehouse, actor=operator)

    response = web.get(reverse("warehouse:board"))

    board = response.content.decode()
    for shipment in (on_time, late, announced):
        assert f'data-shipment="{shipment.number}"' in board
    for shipment in (elsewhere, still_open):
        assert shipment.number not in board
    rows = response.context["shipments"]
    assert [(row["number"], row["late"], row["age"]) for row in rows] == [
        (late.number, True, "4 days"),
        (on_time.number, False, "0 days"),
        (announced.number, False, "0 days"),
    ]
    assert (rows[1]["received"], rows[1]["cartons"]) == (1, 2)
    assert f'href="/warehouse/shipments/{on_time.public_id}/"' in board
    assert "1 late" in board


def test_the_board_still_runs_a_fixed_number_of_queries_with_shipments(
    web, make_shipment, make_return, django_assert_max_num_queries
):
    for _ in range(3):
        make_shipment([("SKU-A", 1)], [("SKU-B", 2)])
        make_return()
    with django_assert_max_num_queries(15):
        web.get(reverse("warehouse:board"))


def test_scanning_a_carton_opens_it_for_counting_and_its_label_again_closes_it(
    web, make_shipment, shop_return, client, second_operator
):
    returned = shop_return()
    shipment = make_shipment([returned, ("SKU-A", 2)], [("SKU-B", 1)])
    first, second = cartons_of(shipment)

    response = web.post(reverse("warehouse:scan"), {"code": first.barcode}, follow=True)
    assert response.redirect_chain[-1][0] == carton_url(shipment, 1)
    page = response.content.decode()
    assert "data-count-form" in page
    assert f"Carton {first.barcode} of shipment {shipment.number} received" in page

    response = web.post(carton_url(shipment, 1), {"quantity": 1, "code": returned.rma_number}, follow=True)
    assert f"Return {returned.rma_number} received in carton {first.barcode}." in response.content.decode()
    assert ReturnRequest.objects.get(pk=returned.pk).status == S.RECEIVED
    return_page = web.get(reverse("warehouse:return", args=[returned.public_id])).content.decode()
    assert f"data-arrival-carton>{first.barcode}<" in return_page
    web.post(carton_url(shipment, 1), {"quantity": 1, "code": "sku-a"})
    response = web.post(carton_url(shipment, 1), {"quantity": 1, "code": "SKU-Z", "damaged": "on"}, follow=True)
    lines = {line.code: line for line in response.context["view"].lines}
    assert (lines["SKU-A"].announced, lines["SKU-A"].counted, lines["SKU-A"].state) == (2, 1, "short")
    assert (lines["SKU-Z"].state, lines["SKU-Z"].damaged) == ("extra", 1)
    assert lines[returned.rma_number].state == "ok"

    # A second operator scanning the same carton is told who received it; nothing is received twice.
    client.force_login(second_operator)
    again = client.post(reverse("warehouse:scan"), {"code": first.barcode}, follow=True)
    assert f"Carton {first.barcode} was already received by Alice Martin" in again.content.decode()
    assert CartonReceipt.objects.count() == 1

    # The carton's own label in the count field closes the count; the shipment page comes next.
    response = web.post(carton_url(shipment, 1), {"quantity": 1, "code": first.barcode}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("warehouse:shipment", args=[shipment.public_id])
    assert f"Carton {first.barcode} counted." in response.content.decode()
    # Another carton's label in the count field receives that carton, as the scan bar would.
    response = web.post(carton_url(shipment, 1), {"quantity": 1, "code": second.barcode}, follow=True)
    assert response.redirect_chain[-1][0] == carton_url(shipment, 2)
    assert f"Carton {second.barcode} of shipment {shipment.number} received" in response.content.decode()
    web.post(carton_url(shipment, 2), {"quantity": 1, "code": "SKU-B"})
    response = web.post(carton_url(shipment, 2, "finish"), follow=True)

    page = response.content.decode()
    assert f"Shipment {shipment.number} received with 2 discrepancies." in page
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED_WITH_DISCREPANCIES
    assert "data-discrepancies" in page
    assert "SKU-Z found instead of SKU-A." in page
    assert {d.kind for d in Discrepancy.objects.all()} == {"wrong_item", "damaged"}
    assert response.context["receiving"].discrepancies[0].carton == first


def test_a_count_can_be_removed_and_bad_input_is_refused(web, make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 2)])
    carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator)
    response = web.post(carton_url(shipment, 1), {"quantity": 0, "code": "SKU-A"})
    assert response.status_code == 400
    assert CountedItem.objects.count() == 0
    web.post(carton_url(shipment, 1), {"quantity": 2, "code": "SKU-A"})
    entry = CountedItem.objects.get()
    response = web.post(carton_url(shipment, 1, f"counts/{entry.pk}/remove"), follow=True)
    assert "Count of 2 × SKU-A removed." in response.content.decode()
    assert CountedItem.objects.count() == 0


def test_a_carton_not_received_must_be_received_before_counting(web, make_shipment):
    shipment = make_shipment([("SKU-A", 2)])
    response = web.post(carton_url(shipment, 1), {"quantity": 1, "code": "SKU-A"}, follow=True)
    assert "Receive this carton first." in response.content.decode()
    response = web.post(carton_url(shipment, 1, "receive"), follow=True)
    assert response.redirect_chain[-1][0] == carton_url(shipment, 1)
    assert CartonReceipt.objects.get().received_by.username == "alice"


def test_finishing_a_shipment_with_a_missing_carton(web, make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 1)], [("SKU-B", 3)])
    receipt = carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator).receipt
    carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
    carton_count_finish(receipt=receipt, actor=operator)

    page = web.get(reverse("warehouse:shipment", args=[shipment.public_id])).content.decode()
    assert "1 carton was not received: finishing reports it missing to the shop." in page
    response = web.post(reverse("warehouse:shipment-finish", args=[shipment.public_id]), follow=True)

    assert f"Shipment {shipment.number} received with 1 discrepancy." in response.content.decode()
    assert Shipment.objects.get(pk=shipment.pk).findings[0]["kind"] == "missing"
    again = web.post(reverse("warehouse:shipment-finish", args=[shipment.public_id]), follow=True)
    assert "was already received on" in again.content.decode()


def test_the_shop_sees_the_findings_on_its_shipment_page(client, make_shipment, warehouse, operator, clerk):
    shipment = make_shipment([("SKU-A", 2)])
    receipt = carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator).receipt
    carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
    carton_count_finish(receipt=receipt, actor=operator)
    client.force_login(clerk)
    page = client.get(reverse("store:shipment", args=[shipment.public_id])).content.decode()
    assert "data-findings" in page
    assert "Announced 2, found 1." in page


def test_operators_see_only_their_warehouses_shipments(client, make_shipment, outsider):
    shipment = make_shipment([("SKU-A", 1)])
    client.force_login(outsider)
    assert client.get(reverse("warehouse:shipment", args=[shipment.public_id])).status_code == 404
    assert client.get(carton_url(shipment, 1)).status_code == 404
    assert client.post(carton_url(shipment, 1, "receive")).status_code == 404
    assert CartonReceipt.objects.count() == 0


def test_shipment_and_carton_pages_run_a_fixed_number_of_queries(
    web, make_shipment, shop_return, warehouse, operator, django_assert_max_num_queries
):
    def build(returns):
        shipment = make_shipment([*[shop_return() for _ in range(returns)], ("SKU-A", 2)], [("SKU-B", 1)])
        receipt = carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator).receipt
        carton_count_add(receipt=receipt, code="SKU-A", actor=operator)
        return shipment

    small, large = build(1), build(4)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for shipment in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert web.get(reverse("warehouse:shipment", args=[shipment.public_id])).status_code == 200
            assert web.get(carton_url(shipment, 1)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_discrepancy_report_by_shop_and_period_with_csv(web, make_shipment, warehouse, operator):
    shipment = make_shipment([("SKU-A", 2)], [("SKU-B", 1)])
    receipt = carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator).receipt
    carton_count_add(receipt=receipt, code="SKU-A", quantity=3, actor=operator)
    carton_count_finish(receipt=receipt, actor=operator)
    web.post(reverse("warehouse:shipment-finish", args=[shipment.public_id]))
    old = Discrepancy.objects.get(kind="extra")
    Discrepancy.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    response = web.get(reverse("warehouse:discrepancies-report"))
    totals = {(t["shipment__store__code"], t["kind"]): (t["count"], t["units"]) for t in response.context["totals"]}
    assert totals == {("PAR01", "extra"): (1, 1), ("PAR01", "missing"): (1, 1)}
    recent = web.get(
        reverse("warehouse:discrepancies-report"),
        {"start": (timezone.localdate() - timedelta(days=7)).isoformat(), "store": "PAR01"},
    )
    assert [d.kind for d in recent.context["rows"]] == ["missing"]

    export = web.get(reverse("warehouse:discrepancies-report"), {"format": "csv", "kind": "extra"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [
        (r["shop"], r["shipment"], r["kind"], r["sku"], r["announced_quantity"], r["found_quantity"]) for r in rows
    ] == [("PAR01", shipment.number, "extra", "SKU-A", "2", "3")]


def test_the_pages_speak_french(settings, client, make_shipment, warehouse, operator):
    settings.LANGUAGE_CODE = "fr"
    shipment = make_shipment([("SKU-A", 2)])
    carton_receive(carton=cartons_of(shipment)[0], warehouse=warehouse, actor=operator)
    client.force_login(operator)
    page = client.get(carton_url(shipment, 1), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Compter un article" in page
    assert "Carton compté" in page
    board = client.get(reverse("warehouse:board"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Envois des boutiques" in board
