"""Indexes written for PostgreSQL build on SQLite too (the embedded default of `make run` and `make test`)."""

import pytest
from django.db import connection, models

from rma.core.migration_operations import index_for_sqlite
from rma.returns.models import ReturnRequest


def test_nulls_placement_is_left_out_where_sqlite_already_puts_them():
    index = models.Index(
        models.OrderBy(models.F("submitted_at"), nulls_first=True),
        models.OrderBy(models.F("created_at"), descending=True, nulls_last=True),
        models.F("id").asc(),
        condition=models.Q(status="needs_review"),
        name="queue",
    )

    portable = index_for_sqlite(index)

    first, second, third = portable.expressions
    assert (first.nulls_first, first.nulls_last, first.descending) == (None, None, False)
    assert (second.nulls_first, second.nulls_last, second.descending) == (None, None, True)
    assert third == index.expressions[2]
    assert (portable.name, portable.condition) == ("queue", index.condition)
    plain = models.Index("status", name="plain")
    assert index_for_sqlite(plain) is plain


@pytest.mark.parametrize(
    "expression",
    [
        models.OrderBy(models.F("submitted_at"), nulls_last=True),
        models.OrderBy(models.F("submitted_at"), descending=True, nulls_first=True),
    ],
)
def test_a_placement_sqlite_cannot_give_is_refused(expression):
    with pytest.raises(ValueError, match="cannot place NULLs"):
        index_for_sqlite(models.Index(expression, name="other"))


@pytest.mark.django_db
def test_the_review_queue_index_exists_on_every_database():
    with connection.cursor() as cursor:
        names = {
            index
            for index, info in connection.introspection.get_constraints(cursor, ReturnRequest._meta.db_table).items()
            if info["index"]
        }
    assert {"returns_review_queue", "returns_store_updated", "returns_status_created"} <= names
