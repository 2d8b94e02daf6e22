"""What PostgreSQL's planner does with a query: used to check that a lookup can use its index at all."""

from django.db import connection
from django.db.models import QuerySet


def plan_without_seq_scan(queryset: QuerySet) -> str:
    """EXPLAIN of the query with sequential scans priced out, as on a large table.

    On a test's handful of rows a sequential scan is cheapest, so the planner would not show whether the index
    *can* serve the query. With `enable_seqscan` off for this transaction it picks an index whenever one matches
    the query's expressions, and still scans the table when none does: the plan tells which.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    try:
        return queryset.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


def plan_in_index_order(queryset: QuerySet) -> str:
    """EXPLAIN of the query with sequential scans and sorts priced out: whether an index *can* give the rows in the
    query's order. On a test's handful of rows the planner may rather sort two rows read through a bitmap scan, which
    says nothing of a large table; with `enable_sort` off it reads an index in order whenever one serves the ORDER BY,
    and still sorts when none does: a Sort in the plan means no index gives that order."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
    try:
        return plan_without_seq_scan(queryset)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = on")


def plan_of_statement(sql: str) -> str:
    """EXPLAIN of a statement (with its parameters in it, as a captured query has them) with sequential scans, sorts
    and bitmap scans priced out: the indexes it *can* read, and whether it reads them alone (an "Index Only Scan")
    or each row they point to as well (an "Index Scan"), which on a test's handful of rows the planner would not
    show."""
    priced_out = ("enable_seqscan", "enable_sort", "enable_bitmapscan")
    with connection.cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {setting} = off" for setting in priced_out))
        try:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("; ".join(f"SET LOCAL {setting} = on" for setting in priced_out))
