"""Shared service helpers."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db import NotSupportedError, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.constants import OnConflict
from django.db.models.expressions import Col
from django.db.models.sql import InsertQuery
from django.utils import timezone

ModelT = TypeVar("ModelT", bound=models.Model)
# Rows per statement of rows_upsert_newest: well under the parameters a statement may carry (SQLite: 32,766).
UPSERT_BATCH = 500


def model_update(*, instance: ModelT, fields: list[str], data: dict[str, Any]) -> tuple[ModelT, bool]:
    """Set the given fields from data, validate, and save only what changed."""
    changed = [field for field in fields if field in data and getattr(instance, field) != data[field]]
    for field in changed:
        setattr(instance, field, data[field])
    if changed:
        instance.full_clean()
        if any(f.name == "updated_at" for f in instance._meta.fields):
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)


def row_insert_or_get(*, instance: ModelT, **unique: Any) -> tuple[ModelT, bool]:
    """Insert `instance` unless the row `unique` names exists: (`instance` saved, True), or (the existing row, False).

    One statement when the row is new (``INSERT … ON CONFLICT DO NOTHING RETURNING``); a second reads the existing
    row. A concurrent insert of the same row is waited for (the unique index), so two callers never both create.
    No savepoint: a conflict is not an error.
    """
    model = type(instance)
    using = router.db_for_write(model)
    connection = connections[using]
    # PostgreSQL and SQLite (3.35+) both return the new row's columns; the insert names the returned ones.
    if not connection.features.can_return_columns_from_insert:
        raise NotSupportedError(f"{connection.vendor} cannot return the columns of an insert")
    opts = model._meta
    instance._prepare_related_fields_for_save(operation_name="row_insert_or_get")  # type: ignore[attr-defined]
    fields = [f for f in opts.concrete_fields if not f.generated and not (f is opts.pk and instance.pk is None)]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = list(opts.db_returning_fields)
    [(sql, params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return model._default_manager.db_manager(using).get(**unique), False
    for field, value in zip(compiler.returning_fields, row, strict=True):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = using
    return instance, True


def row_insert(*, instance: ModelT) -> ModelT:
    """Insert `instance` as `Model.objects.create` would, for a row a busy path writes on every request: the
    statement is compiled once per model and database, then each call only prepares the values (each field's
    `pre_save` and `get_db_prep_save`, as the ORM's insert does). Like `bulk_create`, it sends no signals; a value
    that is an expression goes through the ORM."""
    model = type(instance)
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=using)
        return instance
    instance._prepare_related_fields_for_save(operation_name="row_insert")  # type: ignore[attr-defined]
    statement = _insert_statement(model, using, with_pk=instance.pk is not None)
    values = [field.pre_save(instance, add=True) for field in statement.fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        instance.save(force_insert=True, using=using)
        return instance
    params = [field.get_db_prep_save(value, connection) for field, value in zip(statement.fields, values, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        row = cursor.fetchone() if statement.returning else ()
    for (field, converters), value in zip(statement.returning, row, strict=True):
        setattr(instance, field.attname, db_value_converted(value, converters, field, connection))
    instance._state.adding = False
    instance._state.db = using
    return instance


@dataclass(frozen=True)
class _InsertStatement:
    sql: str
    fields: "tuple[models.Field[Any, Any], ...]"
    # The columns the insert returns (the primary key), with the converters the ORM applies to their values.
    returning: "tuple[tuple[models.Field[Any, Any], tuple[Converter, ...]], ...]"


@cache
def _insert_statement(model: type[models.Model], using: str, *, with_pk: bool) -> _InsertStatement:
    connection = connections[using]
    opts = model._meta
    fields = tuple(f for f in opts.concrete_fields if not f.generated and (with_pk or f is not opts.pk))
    quote = connection.ops.quote_name
    returning = tuple(
        (field, db_converters(connection, field.get_col(opts.db_table))) for field in opts.db_returning_fields
    )
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join('%s' for _ in fields)})"
    )
    if returning:
        sql += f" RETURNING {', '.join(quote(field.column) for field, _converters in returning)}"
    return _InsertStatement(sql=sql, fields=fields, returning=returning)


Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def db_converters(connection: BaseDatabaseWrapper, column: Col) -> tuple[Converter, ...]:
    """What the ORM applies to a column's value read from the database: the backend's converters, then the field's
    (`from_db_value`), for statements whose SQL is written once rather than compiled by the ORM each time."""
    return tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection))


def db_value_converted(
    value: Any, converters: tuple[Converter, ...], column: Any, connection: BaseDatabaseWrapper
) -> Any:
    """`value` as the ORM gives it, after `db_converters`."""
    for converter in converters:
        value = converter(value, column, connection)
    return value


def rows_insert_or_get(*, instances: Sequence[ModelT], unique: str) -> list[tuple[ModelT, bool]]:
    """`row_insert_or_get` for several rows, each named by its value of the unique field `unique`: one statement
    for all the new rows (``INSERT … ON CONFLICT DO NOTHING RETURNING``), a second to read those that existed.

    In the order of `instances`; two instances with the same `unique` value give the first one's row.
    """
    if not instances:
        return []
    model = type(instances[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError(f"{connection.vendor} cannot return the rows of an insert")
    opts = model._meta
    key_field = _field(model, unique)
    firsts: dict[Any, ModelT] = {}
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="rows_insert_or_get")  # type: ignore[attr-defined]
        firsts.setdefault(getattr(instance, key_field.attname), instance)
    new: list[models.Model] = list(firsts.values())
    fields = [f for f in opts.concrete_fields if not f.generated and not (f is opts.pk and new[0].pk is None)]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, new)
    compiler = query.get_compiler(using=using)
    # The key comes back with the new rows' columns: rows skipped by a conflict leave no trace in the answer.
    compiler.returning_fields = [*opts.db_returning_fields, key_field]
    [(sql, params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    created: dict[Any, ModelT] = {}
    for row in rows:
        *values, key = row
        instance = firsts[key]
        for field, value in zip(opts.db_returning_fields, values, strict=True):
            setattr(instance, field.attname, value)
        instance._state.adding = False
        instance._state.db = using
        created[key] = instance
    missing = [key for key in firsts if key not in created]
    existing: dict[Any, ModelT] = {}
    if missing:
        for row in model._default_manager.db_manager(using).filter(**{f"{key_field.attname}__in": missing}):
            existing[getattr(row, key_field.attname)] = row
    results = []
    for instance in instances:
        key = getattr(instance, key_field.attname)
        results.append((created[key], instance is firsts[key]) if key in created else (existing[key], False))
    return results


def rows_update(*, instances: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Save `fields` of saved instances of one model, each row its own values, in one statement.

    ``bulk_update`` writes the same in one statement too, but builds a CASE WHEN per row and field, which costs
    more than the statement itself for a few dozen rows: this joins the table to a VALUES list instead
    (``WITH v AS (VALUES …) UPDATE … FROM v``, PostgreSQL and SQLite 3.33+). Fields are saved as they are on the
    instances: auto_now fields are not filled.
    """
    if not instances:
        return
    model = type(instances[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [opts.pk, *(_field(model, name) for name in fields)]
    # PostgreSQL types a VALUES list by its values, which are parameters here: cast them to the columns' types.
    # SQLite needs no cast (and would turn a date into a number by a cast's affinity).
    if connection.vendor == "postgresql":
        placeholders = [f"CAST(%s AS {column.cast_db_type(connection)})" for column in columns]  # type: ignore[attr-defined]
    else:
        placeholders = ["%s"] * len(columns)
    row_sql = f"({', '.join(placeholders)})"
    params = [
        column.get_db_prep_save(getattr(instance, column.attname), connection)
        for instance in instances
        for column in columns
    ]
    names = ["pk", *(f"c{index}" for index in range(1, len(columns)))]
    table = quote(opts.db_table)
    sets = ", ".join(f"{quote(column.column)} = v.{name}" for column, name in zip(columns[1:], names[1:], strict=True))
    sql = (
        f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([row_sql] * len(instances))}) "
        f"UPDATE {table} SET {sets} FROM v WHERE {table}.{quote(opts.pk.column)} = v.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rows_upsert_newest(
    *, model: type[models.Model], rows: list[dict[str, Any]], unique: tuple[str, ...], newest_by: str
) -> None:
    """Insert each row, or update the stored row with the same `unique` fields when this one is at least as new by
    `newest_by`; a blank text value or a null never erases what the stored row knows. One statement for all the rows.

    For summaries kept beside a large table (the latest sale of each SKU): concurrent writers serialise on the
    unique index, in key order (no deadlock), and an older fact arriving late changes nothing.
    """
    if not rows:
        return
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in sorted(rows, key=lambda row: row[newest_by]):  # one statement may not touch a row twice
        key = tuple(row[name] for name in unique)
        known = merged.setdefault(key, {})
        known.update({name: value for name, value in row.items() if value not in ("", None) or name not in known})
    opts = model._meta
    names = [*next(iter(merged.values()))]
    names += [name for name in ("created_at", "updated_at") if name not in names and _has_field(model, name)]
    fields = [(name, _field(model, name)) for name in names]  # a foreign key by its attname: "connection_id"
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    updates = []
    for name, field in fields:
        if name in unique or name == "created_at":
            continue
        column = quote(_column(field))
        if isinstance(field, models.CharField):
            updates.append(
                f"{column} = CASE WHEN EXCLUDED.{column} = '' THEN {table}.{column} ELSE EXCLUDED.{column} END"
            )
        elif field.null:
            updates.append(f"{column} = COALESCE(EXCLUDED.{column}, {table}.{column})")
        else:
            updates.append(f"{column} = EXCLUDED.{column}")
    columns = ", ".join(quote(_column(field)) for _name, field in fields)
    conflict = ", ".join(quote(_column(_field(model, name))) for name in unique)
    newest = quote(_column(_field(model, newest_by)))
    now = timezone.now()
    keys = sorted(merged)
    for start in range(0, len(keys), UPSERT_BATCH):
        values, params = [], []
        for key in keys[start : start + UPSERT_BATCH]:
            row = {"created_at": now, "updated_at": now, **merged[key]}
            values.append(f"({', '.join(['%s'] * len(fields))})")
            params += [field.get_db_prep_save(row[name], connection) for name, field in fields]
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} ON CONFLICT ({conflict}) "
            f"DO UPDATE SET {', '.join(updates)} WHERE EXCLUDED.{newest} >= {table}.{newest}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _column(field: "models.Field[Any, Any]") -> str:
    return str(field.column)
