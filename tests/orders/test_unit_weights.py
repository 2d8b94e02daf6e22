"""The weight of a unit, in grams, as orders bring it: the CSV column ``unit_weight_g`` (or ``weight_g``), the
JSON and API field ``unit_weight_g``; optional, a clear error when it is not a whole number of grams, kept when a
later version of the order tells none, and kept on the SKU's product variant."""

import json

import pytest

from rma.orders.models import OrderLine, ProductVariant
from rma.orders.services import OrderDataError, order_upsert
from tests.orders.apis.test_orders_api import payload as api_payload
from tests.orders.test_import_orders import HEADER, Output, row

pytestmark = pytest.mark.django_db


def order(*lines: dict) -> dict:
    return {
        "external_id": "shop-1",
        "number": "N-1",
        "customer_email": "zoe@example.fr",
        "placed_at": "2026-11-10T10:00:00+01:00",
        "lines": list(lines),
    }


def weights() -> dict[str, int | None]:
    return dict(OrderLine.objects.values_list("external_id", "unit_weight_g"))


def write_csv(tmp_path, column: str, *cells: tuple[str, str]):
    """A CSV with a weight column named `column`: one order line per (line id, weight cell)."""
    lines = [f"{row('shop-1', line)},{weight}" for line, weight in cells]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join((f"{HEADER},{column}", *lines)) + "\n", encoding="utf-8")
    return path


def test_a_csv_weight_column_in_grams_is_optional_per_row(tmp_path):
    run = Output(str(write_csv(tmp_path, "unit_weight_g", ("1", "350"), ("2", ""))))

    assert run.error is None, run.stderr
    assert weights() == {"shop-1-1": 350, "shop-1-2": None}


def test_the_weight_column_may_be_called_weight_g(tmp_path):
    Output(str(write_csv(tmp_path, "Weight_g", ("1", "1200"))))

    assert weights() == {"shop-1-1": 1200}


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("0.35", "unit_weight_g must be a whole number of grams, not '0.35'."),
        ("heavy", "unit_weight_g must be a whole number of grams, not 'heavy'."),
        ("0", "unit_weight_g must be between 1 and 1,000,000 grams, not '0'."),
        ("-5", "unit_weight_g must be between 1 and 1,000,000 grams, not '-5'."),
    ],
)
def test_a_bad_csv_weight_is_reported_on_its_row(tmp_path, cell, message):
    run = Output(str(write_csv(tmp_path, "unit_weight_g", ("1", "350"), ("2", cell))))

    assert run.error is not None
    assert f"line 3 [shop-1]: {message}" in run.stderr
    assert not OrderLine.objects.exists()


def test_a_json_order_carries_the_weight_as_a_number(tmp_path):
    path = tmp_path / "orders.json"
    lines = [
        {"external_id": "a", "sku": "A", "quantity": 1, "unit_price": "10", "unit_weight_g": 410},
        {"external_id": "b", "sku": "B", "quantity": 1, "unit_price": "10", "unit_weight_g": True},
    ]
    path.write_text(json.dumps([order(*lines)]), encoding="utf-8")

    run = Output(str(path))

    assert "unit_weight_g must be a whole number of grams, not True." in run.stderr
    lines[1]["unit_weight_g"] = None
    path.write_text(json.dumps([order(*lines)]), encoding="utf-8")
    Output(str(path))
    assert weights() == {"a": 410, "b": None}


def test_a_weight_is_kept_when_a_later_version_tells_none_and_changed_when_it_tells_another():
    line = {"external_id": "a", "sku": "A", "quantity": 1, "unit_price": "10", "unit_weight_g": 410}
    order_upsert(data=order(line))

    unchanged = order_upsert(data=order({**line, "unit_weight_g": None}))
    assert (unchanged.outcome, weights()) == ("unchanged", {"a": 410})

    changed = order_upsert(data=order({**line, "unit_weight_g": "395"}))
    assert (changed.outcome, weights()) == ("updated", {"a": 395})
    assert ProductVariant.objects.get(sku="A").weight_g == 395


def test_the_variant_keeps_its_latest_known_weight():
    line = {"external_id": "a", "sku": "A", "quantity": 1, "unit_price": "10", "unit_weight_g": 410}
    order_upsert(data=order(line))
    later = {**order({**line, "unit_weight_g": None}), "external_id": "shop-2", "number": "N-2"}
    order_upsert(data={**later, "placed_at": "2026-11-20T10:00:00+01:00"})

    assert ProductVariant.objects.get(sku="A").weight_g == 410


def test_the_service_names_the_field_of_a_bad_weight():
    with pytest.raises(OrderDataError) as raised:
        order_upsert(data=order({"sku": "A", "quantity": 1, "unit_price": "10", "unit_weight_g": 2_000_000}))

    assert raised.value.extra == {"unit_weight_g": "invalid"}


def test_the_orders_api_takes_and_answers_the_weight(integration):
    body = api_payload()
    body["lines"][0]["unit_weight_g"] = 350

    response = integration.post("/api/v1/orders/", body, format="json")
    as_text = {**body, "lines": [{**body["lines"][0], "unit_weight_g": "350"}]}
    refused = integration.post("/api/v1/orders/", as_text, format="json")

    assert response.status_code == 201, response.content
    assert [line["unit_weight_g"] for line in response.json()["order"]["lines"]] == [350, None]
    assert refused.status_code == 400
