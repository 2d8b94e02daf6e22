"""Statements that every request of a page runs with the same shape, prepared once per database session on
PostgreSQL: planning them cost the server more than running them.

The statement is written with `%s` placeholders, as for a cursor. On PostgreSQL it is prepared (PREPARE name AS …,
with $1, $2…) the first time a session runs it, then executed by name. Elsewhere, or with
RMA_DB_PREPARED_STATEMENTS=false, it runs as written. A connection pooler that hands a session's statements to other
sessions (PgBouncer in transaction mode) does not keep prepared statements: set the setting to false behind one.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet


def preparing(alias: str) -> bool:
    """Whether statements are prepared on this database: PostgreSQL, unless the setting says not to."""
    return connections[alias].vendor == "postgresql" and settings.RMA_DB_PREPARED_STATEMENTS


def prepared_rows(alias: str, name: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (with `%s` placeholders) run with `params`, as the prepared statement `name` where
    statements are prepared. Parameters PostgreSQL cannot type from the statement alone take a cast in it
    (`%s::text[]`)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if not preparing(alias):
            cursor.execute(sql, params)
            return cursor.fetchall()
        # Prepared once per session: the database connection itself, which a reconnection replaces. Part of the
        # session's setup, like the time zone Django sets on it: on the driver's own cursor, not among the
        # statements of the request that happens to open the session. A prepared statement outlives the transaction
        # that made it, even one rolled back.
        session = connection.connection
        prepared: dict[str, Any] = connection.__dict__.setdefault("_rma_prepared_on", {})
        if prepared.get(name) is not session:
            numbered = sql.replace("%%", "\0").split("%s")
            text = "".join(f"{part}${index}" for index, part in enumerate(numbered[:-1], start=1)) + numbered[-1]
            with session.cursor() as setup:
                setup.execute(f"PREPARE {name} AS {text.replace(chr(0), '%')}")
            prepared[name] = session
        placeholders = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}", params)
        return cursor.fetchall()


@dataclass(frozen=True)
class StandIn:
    """In place of an array while a queryset is compiled once (prepared_values): found among the parameters."""

    key: str


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]  # the compiled parameters, StandIn where an array goes
    names: tuple[str, ...]  # the columns', as `.values()` names them
    converters: dict[int, tuple[list[Any], Any]]  # per column: what the ORM applies to its value, and its expression


_compiled: dict[tuple[str, str], _Compiled] = {}


def _compile(queryset: QuerySet[Any], alias: str) -> _Compiled:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    names = tuple(name for _expression, _sql, name in compiler.select)
    if None in names:
        raise ValueError("prepared_values takes a .values() queryset: each column needs its name")
    converters = compiler.get_converters([expression for expression, _sql, _name in compiler.select])
    return _Compiled(sql=sql, params=tuple(params), names=names, converters=converters)


def prepared_values(
    name: str, model: type[Model], build: Callable[..., QuerySet[Any]], **arrays: list[Any]
) -> list[dict[str, Any]]:
    """The rows of `build(**arrays)` as dicts: a `.values()` queryset of `model` that compares each array with the
    `any` lookup (rma.core.queries.AnyOf).

    On PostgreSQL the queryset is built and compiled once per process, with a StandIn for each array, and its
    statement is prepared once per session under `name` (prepared_rows): a call only sends its arrays and applies the
    ORM's converters to the rows. What `build` reads other than its arrays is kept from that first call: settings or
    times belong in the arrays, or in a statement of their own. Elsewhere the queryset is built and run each time.
    """
    alias = router.db_for_read(model)
    if connections[alias].vendor != "postgresql":
        return list(build(**arrays))
    kept = _compiled.get((name, alias))
    if kept is None:
        kept = _compiled[name, alias] = _compile(build(**{key: StandIn(key) for key in arrays}), alias)
    params = [arrays[param.key] if isinstance(param, StandIn) else param for param in kept.params]
    connection = connections[alias]
    rows = []
    for row in prepared_rows(alias, name, kept.sql, params):
        values = list(row)
        for index, (converters, expression) in kept.converters.items():
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        rows.append(dict(zip(kept.names, values, strict=True)))
    return rows
