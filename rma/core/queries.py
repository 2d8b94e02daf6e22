"""Query expressions the selectors share."""

from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet[Any], *, by: str) -> Coalesce:
    """The number of `queryset`'s rows (filtered on OuterRef("pk") through the field `by`), as a sub-query of each
    row it is counted for. Unlike Count() over a join, which groups every row of the outer query before its LIMIT,
    PostgreSQL runs the sub-query for the rows a page keeps only."""
    counted = queryset.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
