"""A statement every request runs with the same shape is prepared once per database session on PostgreSQL and
run as written elsewhere or when the setting says not to (rma.core.prepared)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.core.prepared import prepared_rows
from tests.conftest import require

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
def test_on_postgresql_a_statement_is_prepared_once_per_session_and_again_on_a_new_one():
    require(
        connection.vendor == "postgresql",
        "PostgreSQL (prepared statements)",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma make test",
    )
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
