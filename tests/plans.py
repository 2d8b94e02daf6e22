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
