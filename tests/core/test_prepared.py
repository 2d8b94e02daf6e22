"""A statement every request runs with the same shape is prepared once per database session on PostgreSQL and
run as written elsewhere or when the setting says not to (rma.core.prepared)."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from rma.core.prepared import _compiled, _compiled_models, prepared_models, prepared_rows, prepared_values
from rma.orders.models import Order, OrderLine
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

# A literal percent sign beside the placeholders: the statement is written for a cursor, with %% for one %.
SQL = "SELECT CAST(%s AS text) || '%%', CAST(%s AS integer) + 1"


def _prepared_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


def test_the_rows_are_those_of_the_statement_as_written(settings):
    settings.RMA_DB_PREPARED_STATEMENTS = False

    with CaptureQueriesContext(connection) as queries:
        rows = prepared_rows(connection.alias, "rma_test_statement", SQL, ["50", 2])

    assert [tuple(row) for row in rows] == [("50%", 3)]
    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]


@pytest.mark.django_db(transaction=True)  # sessions closed and opened: no test transaction around them
def test_on_postgresql_a_statement_is_prepared_once_per_session_and_again_on_a_new_one(postgres_prepared):
    connection.close()

    def run(value: str, number: int) -> tuple[list[tuple[object, ...]], list[str]]:
        with CaptureQueriesContext(connection) as queries:
            rows = prepared_rows(connection.alias, "rma_test_statement", SQL, [value, number])
        return [tuple(row) for row in rows], [query["sql"].split()[0] for query in queries]

    assert run("50", 2) == ([("50%", 3)], ["EXECUTE"])
    assert run("75", 9) == ([("75%", 10)], ["EXECUTE"])
    assert "rma_test_statement" in _prepared_names()
    connection.close()  # a new session knows none of the old one's statements: it prepares its own
    assert run("1", 0) == ([("1%", 1)], ["EXECUTE"])
    assert "rma_test_statement" in _prepared_names()


def _orders_of(*, emails: list[str], numbers: list[str]):
    return (
        Order.objects.filter(Q(customer_email__any=emails) | Q(number__any=numbers))
        .values("number", "customer_email")
        .annotate(lines=Count("lines"), first=Lower("customer_email"))
        .order_by("number")
    )


def test_a_values_queryset_gives_the_rows_the_orm_gives_for_any_number_of_values():
    for index in range(4):
        OrderLineFactory(order=OrderFactory(number=f"PV{index}", customer_email=f"Client{index}@Example.fr"))
    asked = [
        {"emails": ["Client0@Example.fr"], "numbers": []},
        {"emails": ["Client1@Example.fr", "Client2@Example.fr"], "numbers": ["PV3", "PV9"]},
        {"emails": [], "numbers": []},
        {"emails": ["nobody@example.fr"], "numbers": ["PV0", "PV1", "PV2", "PV3"]},
    ]

    for arrays in asked:
        rows = prepared_values("rma_test_orders", Order, _orders_of, **arrays)
        assert rows == list(_orders_of(**arrays)), arrays

    assert [row["number"] for row in prepared_values("rma_test_orders", Order, _orders_of, **asked[1])] == [
        "PV1",
        "PV2",
        "PV3",
    ]
    assert prepared_values("rma_test_orders", Order, _orders_of, **asked[1])[0] == {
        "number": "PV1",
        "customer_email": "Client1@Example.fr",
        "lines": 1,
        "first": "client1@example.fr",
    }


def test_on_postgresql_a_values_queryset_is_compiled_once_and_sends_its_arrays_only(postgres_prepared):
    OrderLineFactory(order=OrderFactory(number="PV1", customer_email="one@example.fr"))
    built = []
    _compiled.pop(("rma_test_orders_once", connection.alias), None)  # as in a new process

    def build(**arrays: list[str]):
        built.append(arrays)
        return _orders_of(**arrays)

    with CaptureQueriesContext(connection) as queries:
        first = prepared_values("rma_test_orders_once", Order, build, emails=["one@example.fr"], numbers=[])
        second = prepared_values("rma_test_orders_once", Order, build, emails=[], numbers=["PV1", "PV2"])

    assert [row["number"] for row in first] == [row["number"] for row in second] == ["PV1"]
    assert len(built) == 1  # with stand-ins, once per process
    assert [query["sql"].split()[0] for query in queries] == ["EXECUTE", "EXECUTE"]
    assert "ANY" in str(_orders_of(emails=["a"], numbers=[]).query)


def _lines_of(*, numbers: list[str]):
    """Model instances: the lines of these orders with their order (select_related) and an annotation."""
    return (
        OrderLine.objects.select_related("order")
        .filter(order__number__any=numbers)
        .annotate(email=Lower("order__customer_email"))
        .order_by("order__number", "id")
    )


def test_a_models_queryset_gives_the_instances_the_orm_gives():
    for index in range(3):
        order = OrderFactory(number=f"PM{index}", customer_email=f"Client{index}@Example.fr")
        OrderLineFactory(order=order, sku=f"SKU-{index}-A")
        OrderLineFactory(order=order, sku=f"SKU-{index}-B")

    for numbers in (["PM0"], ["PM2", "PM1", "PM9"], [], ["nothing"]):
        got = prepared_models("rma_test_lines", OrderLine, _lines_of, numbers=numbers)
        expected = list(_lines_of(numbers=numbers))
        assert [(line.pk, line.sku, line.unit_price, line.email) for line in got] == [
            (line.pk, line.sku, line.unit_price, line.email) for line in expected
        ], numbers

    (first, second) = prepared_models("rma_test_lines", OrderLine, _lines_of, numbers=["PM1"])
    with CaptureQueriesContext(connection) as queries:
        assert (first.order.number, first.order.customer_email, first.email) == (
            "PM1",
            "Client1@Example.fr",
            "client1@example.fr",
        )
        assert first.order.currency == "EUR"
    assert queries.captured_queries == []  # the order came with the line
    assert first._state.adding is False
    assert first._state.db == connection.alias
    first.quantity = 7
    first.save(update_fields=["quantity"])  # an instance like any other
    assert OrderLine.objects.get(pk=first.pk).quantity == 7
    assert second.sku == "SKU-1-B"


def test_on_postgresql_a_models_queryset_is_compiled_once_and_sends_its_arrays_only(postgres_prepared):
    OrderLineFactory(order=OrderFactory(number="PM1"))
    built = []
    _compiled_models.pop(("rma_test_lines_once", connection.alias), None)  # as in a new process

    def build(**arrays: list[str]):
        built.append(arrays)
        return _lines_of(**arrays)

    with CaptureQueriesContext(connection) as queries:
        first = prepared_models("rma_test_lines_once", OrderLine, build, numbers=["PM1"])
        second = prepared_models("rma_test_lines_once", OrderLine, build, numbers=["PM2", "PM1"])

    assert [line.order.number for line in first] == [line.order.number for line in second] == ["PM1"]
    assert len(built) == 1
    assert [query["sql"].split()[0] for query in queries] == ["EXECUTE", "EXECUTE"]


def test_a_queryset_that_prefetches_is_refused(postgres_prepared):
    with pytest.raises(ValueError, match="no prefetch_related"):
        prepared_models(
            "rma_test_prefetching", Order, lambda **arrays: Order.objects.prefetch_related("lines"), numbers=[]
        )
