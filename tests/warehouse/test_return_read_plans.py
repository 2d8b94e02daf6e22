"""A return's reads at the warehouse join few tables a statement. PostgreSQL tries every order of joining a
statement's tables: the one-row read of a return with its order, warehouse, label, refund, exchange and arrival with
the arrival's carton, shipment and receiver (twelve tables with the API's scope sub-query) took 6 ms to plan and
0.13 ms to run at 570,000 returns. The actions and the API's detail now read the return with its order and warehouse
only (0.4 ms of planning), and its page reads the arrival in a statement of its own."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from tests.warehouse.test_action_queries import inspected, received

pytestmark = pytest.mark.django_db
# The widest statement left on these paths: a return's inspections with their grade, inspector and disposition (who
# confirmed it, by which rule).
MOST_TABLES = 6


def tables_planned(sql: str) -> list[str]:
    """The tables the planner joins for a statement (a table read twice counts twice), sub-queries included."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    nodes = [(json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]]
    tables = []
    while nodes:
        node = nodes.pop()
        if "Relation Name" in node:
            tables.append(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return tables


def widest_statement(call) -> list[str]:
    """The tables of the widest read a request makes."""
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 302), response.content
    reads = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("SELECT")]
    return max((tables_planned(sql) for sql in reads), key=len)


def test_a_return_s_api_detail_and_pages_join_a_few_tables_a_statement_on_postgresql(
    postgres_only, client, make_return, warehouse, operator
):
    return_request = received(make_return, warehouse, operator, lines=2)
    line = return_request.lines.order_by("pk").first()
    api = client_for(operator)
    client.force_login(operator)

    for call in (
        lambda: api.get(f"/api/v1/warehouse/returns/{return_request.public_id}/"),
        lambda: client.get(reverse("warehouse:return", args=[return_request.public_id])),
        lambda: client.get(reverse("warehouse:unit-inspect", args=[return_request.public_id, line.pk, 1])),
    ):
        assert len(widest_statement(call)) <= MOST_TABLES


def test_inspecting_and_releasing_a_refund_join_a_few_tables_a_statement_on_postgresql(
    postgres_only, client, make_return, warehouse, operator
):
    to_inspect = received(make_return, warehouse, operator, lines=1)
    line = to_inspect.lines.get()
    by_api, by_page = (inspected(make_return, warehouse, operator, lines=1) for _ in range(2))
    api = client_for(operator)
    client.force_login(operator)

    for call in (
        lambda: api.post(
            f"/api/v1/warehouse/returns/{to_inspect.public_id}/units/inspect/",
            {"line_id": line.pk, "unit": 1, "condition": "missing"},
            format="json",
        ),
        lambda: api.post(f"/api/v1/warehouse/returns/{by_api.public_id}/refund/release/"),
        lambda: client.post(reverse("warehouse:refund-release", args=[by_page.public_id])),
    ):
        assert len(widest_statement(call)) <= MOST_TABLES
