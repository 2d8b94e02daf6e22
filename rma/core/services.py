"""Shared service helpers."""

from typing import Any, TypeVar

from django.db import NotSupportedError, connections, models, router
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

ModelT = TypeVar("ModelT", bound=models.Model)


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
