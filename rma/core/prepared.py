"""Statements that every request of a page runs with the same shape, prepared once per database session on
PostgreSQL: planning them cost the server more than running them.

The statement is written with `%s` placeholders, as for a cursor. On PostgreSQL it is prepared (PREPARE name AS …,
with $1, $2…) the first time a session runs it, then executed by name. Elsewhere, or with
RMA_DB_PREPARED_STATEMENTS=false, it runs as written. A connection pooler that hands a session's statements to other
sessions (PgBouncer in transaction mode) does not keep prepared statements: set the setting to false behind one.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler


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


@dataclass(frozen=True)
class _CompiledModels:
    sql: str
    params: tuple[Any, ...]  # as in _Compiled
    compiler: SQLCompiler  # kept for its converters and its select (read only, shared by threads)
    init_list: list[str]  # the model's columns, by attname
    fields: slice  # where they are in a row
    related: list[Any]  # Django's populators of the select_related rows
    annotations: dict[str, int]  # annotation name -> position in a row


def _compile(queryset: QuerySet[Any], alias: str) -> _Compiled:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    names = tuple(name for _expression, _sql, name in compiler.select)
    if None in names:
        raise ValueError("prepared_values takes a .values() queryset: each column needs its name")
    converters = compiler.get_converters([expression for expression, _sql, _name in compiler.select])
    return _Compiled(sql=sql, params=tuple(params), names=names, converters=converters)


class _Statement(Protocol):
    """What a compiled queryset keeps: its SQL and its parameters (StandIn where an array goes)."""

    @property
    def sql(self) -> str: ...

    @property
    def params(self) -> tuple[Any, ...]: ...


S = TypeVar("S", bound=_Statement)


def _compiled_run(
    name: str,
    model: type[Model],
    build: Callable[..., QuerySet[Any]],
    arrays: dict[str, list[Any]],
    *,
    kept: dict[tuple[str, str], S],
    compile_: Callable[[QuerySet[Any], str], S],
) -> tuple[str, S, list[tuple[Any, ...]]] | None:
    """On PostgreSQL: `build`'s queryset compiled once per process with a StandIn for each array (`compile_`, its
    result held in `kept`), and run as the prepared statement `name` with `arrays`: the database's alias, the
    compiled statement and its rows. Elsewhere None: the caller runs the queryset as written."""
    alias = router.db_for_read(model)
    if connections[alias].vendor != "postgresql":
        return None
    compiled = kept.get((name, alias))
    if compiled is None:
        compiled = kept[name, alias] = compile_(build(**{key: StandIn(key) for key in arrays}), alias)
    params = [arrays[param.key] if isinstance(param, StandIn) else param for param in compiled.params]
    return alias, compiled, prepared_rows(alias, name, compiled.sql, params)


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
    run = _compiled_run(name, model, build, arrays, kept=_compiled, compile_=_compile)
    if run is None:
        return list(build(**arrays))
    alias, kept, found = run
    connection = connections[alias]
    rows = []
    for row in found:
        values = list(row)
        for index, (converters, expression) in kept.converters.items():
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        rows.append(dict(zip(kept.names, values, strict=True)))
    return rows


_compiled_models: dict[tuple[str, str], _CompiledModels] = {}


def _compile_models(queryset: QuerySet[Any], alias: str) -> _CompiledModels:
    if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(queryset, "_known_related_objects", {}):
        raise ValueError("prepared_models reads one statement: no prefetch_related, no related manager's queryset")
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()  # fills the compiler's select and klass_info, as Django's ModelIterable reads them
    klass_info = compiler.klass_info
    if klass_info is None:
        raise ValueError("prepared_models takes a queryset of model instances, not .values()")
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _CompiledModels(
        sql=sql,
        params=tuple(params),
        compiler=compiler,
        init_list=[column[0].target.attname for column in compiler.select[first:last]],
        fields=slice(first, last),
        related=get_related_populators(klass_info, compiler.select, alias),
        annotations=dict(compiler.annotation_col_map or {}),
    )


def prepared_models(
    name: str, model: type[Model], build: Callable[..., QuerySet[Any]], **arrays: list[Any]
) -> list[Any]:
    """The instances of `build(**arrays)`, a queryset of `model` (select_related and annotations allowed) that
    compares each array with the `any` lookup, as prepared_values reads rows: on PostgreSQL compiled once per
    process and prepared once per session under `name`, then built as Django's own iteration builds them (the ORM's
    converters, `from_db`, the select_related rows). Elsewhere the queryset is built and run each time."""
    run = _compiled_run(name, model, build, arrays, kept=_compiled_models, compile_=_compile_models)
    if run is None:
        return list(build(**arrays))
    alias, kept, found = run
    rows: list[Sequence[Any]] = list(found)
    instances = []
    for row in kept.compiler.results_iter(results=[rows]):
        instance = kept.compiler.klass_info["model"].from_db(alias, kept.init_list, row[kept.fields])
        for populator in kept.related:
            populator.populate(row, instance)
        for attribute, position in kept.annotations.items():
            setattr(instance, attribute, row[position])
        instances.append(instance)
    return instances
