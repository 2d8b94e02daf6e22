"""Query expressions the selectors share."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Field, IntegerField, Lookup, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import In


def count_of(queryset: QuerySet[Any], *, by: str) -> Coalesce:
    """The number of `queryset`'s rows (filtered on OuterRef("pk") through the field `by`), as a sub-query of each
    row it is counted for. Unlike Count() over a join, which groups every row of the outer query before its LIMIT,
    PostgreSQL runs the sub-query for the rows a page keeps only."""
    counted = queryset.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@Field.register_lookup
class AnyOf(Lookup):
    """`field__any=[…]`: the field equals one of the values. On PostgreSQL, `field = ANY(%s)` with the values as one
    array parameter: the statement keeps one shape whatever their number, so it can be compiled and prepared once
    (rma.core.prepared.prepared_values). Elsewhere, Django's `IN (…)`."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql":
            sql, params = In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
            return sql, list(params)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        # The value as given, one parameter: a list, or the StandIn that prepared_values looks for among them.
        return f"{lhs_sql} = ANY(%s)", [*lhs_params, self.rhs]
