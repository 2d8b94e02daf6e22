"""Rows written in bulk: with COPY on PostgreSQL, with bulk_create elsewhere (SQLite).

COPY skips what makes bulk_create slow at scale (an INSERT compiled value by value through each field's
preparation, then parsed by the server): values are read as they are and written in COPY's text format.

- `rows_write(model, objs)` saves unsaved instances and leaves them as bulk_create does: saved, with their
  primary keys, taken from the table's own sequence before the rows are written (the sequence stays past them, so
  the application inserts after the run as before). For the rows others point at.
- `values_write(model, rows)` writes rows given as mappings of field attnames to values (`return_request_id`), the
  other fields taking their defaults; the table numbers them. For the many rows nothing points at, where building
  a model instance per row would cost more than writing it.

Only Django's own field types are known here: a model with another type is refused rather than written with a
guess at its database value. Naive datetimes are refused too (Django would read them in the current time zone).
"""

import datetime
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter, itemgetter, methodcaller
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.files import FieldFile
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
Values = Callable[[Any], tuple[Any, ...]]

# COPY's text format: a backslash starts an escape, a tab ends a column, a newline ends a row.
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Django's field types whose Python value is what the database stores (choices and defaults included); JSONField
# values are dumped first.
KNOWN_TYPES = frozenset(
    {
        *("AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "CharField", "TextField", "SlugField"),
        *("IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField"),
        *("PositiveSmallIntegerField", "DecimalField", "FloatField", "DateField", "DateTimeField", "TimeField"),
        *("DurationField", "UUIDField", "GenericIPAddressField", "FileField", "ImageField", "ForeignKey"),
        *("OneToOneField", "JSONField"),
    }
)


def rows_write(model: type[M], objs: Sequence[M]) -> Sequence[M]:
    """Save unsaved instances of one model in bulk and give them their primary keys, as bulk_create does."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return objs
    fields = _fields(model)
    _primary_keys_take(model, [obj for obj in objs if obj.pk is None])
    relations = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.ForeignKey)]
    computed = [(i, f) for i, f in enumerate(fields) if _computed(f) or isinstance(f, models.FileField)]
    jsons = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    values = _getter(attrgetter, [field.attname for field in fields])

    def row(obj: M) -> Sequence[Any]:
        given: Sequence[Any] = values(obj)
        if not (relations or computed or jsons):
            return given
        row = list(given)
        for position, relation in relations:  # a relation to an object saved after it was assigned, as Django takes it
            if row[position] is None and relation.is_cached(obj):
                row[position] = _related_key(obj, relation)
        for position, field in computed:
            row[position] = field.pre_save(obj, add=True)
        for position, field in jsons:
            row[position] = _json(field, row[position])
        return row

    _copy(model, fields, (row(obj) for obj in objs))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def values_write(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write rows given by field attname; the fields not given take their defaults, the primary key from the table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    fields = [field for field in _fields(model) if not isinstance(field, AutoFieldMixin)]
    attnames = {field.attname for field in fields}
    made = [(f.attname, f.default) for f in fields if f.has_default() and callable(f.default)]
    fixed = {f.attname: f.get_default() for f in fields if f.attname not in dict(made)}
    stamped = dict.fromkeys((f.attname for f in fields if _computed(f)), timezone.now())  # as Django would on save
    jsons = [(f.attname, f) for f in fields if isinstance(f, models.JSONField)]
    values = _getter(itemgetter, [field.attname for field in fields])

    def row(given: Mapping[str, Any]) -> Sequence[Any]:
        if not given.keys() <= attnames:
            raise ValueError(f"{model.__name__} has no field {sorted(given.keys() - attnames)} (give attnames)")
        full = {**fixed, **given, **stamped}
        for attname, make in made:
            if attname not in given:
                full[attname] = make()
        for attname, field in jsons:
            full[attname] = _json(field, full[attname])
        return values(full)

    _copy(model, fields, (row(given) for given in rows))


def _fields(model: type[models.Model]) -> list[models.Field]:
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if field.get_internal_type() not in KNOWN_TYPES or type(field).__module__.split(".")[0] != "django":
            raise TypeError(f"{model.__name__}.{field.name}: a {type(field).__name__} is not written by COPY here")
    return fields


def _computed(field: models.Field) -> bool:
    """The fields Django sets on save: auto_now and auto_now_add (rma.demo.scale.timestamps switches them off)."""
    return isinstance(field, models.DateField) and bool(field.auto_now or field.auto_now_add)


def _getter(kind: Callable[..., Callable[[Any], Any]], names: list[str]) -> Values:
    get = kind(*names)
    return get if len(names) > 1 else lambda item: (get(item),)


def _related_key(obj: models.Model, relation: models.ForeignKey) -> Any:
    related = relation.get_cached_value(obj)
    if related is None:
        return None
    key = getattr(related, relation.target_field.attname)
    if key is None:
        raise ValueError(f"{type(obj).__name__}.{relation.name}: the related object is not saved")
    return key


def _json(field: models.JSONField, value: Any) -> str | None:
    return None if value is None else json.dumps(value, cls=field.encoder)  # None is SQL NULL, as Django stores it


def _primary_keys_take(model: type[models.Model], objs: list[Any]) -> None:
    """Take the next keys of the table's sequence (identity columns have one too), in ascending order."""
    if not objs:
        return
    pk = model._meta.pk
    if not isinstance(pk, AutoFieldMixin):
        raise ValueError(f"{model.__name__}: instances without a primary key, and no sequence to take one from")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), pk.column, len(objs)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key


def _copy(model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence[Any]]) -> None:
    buffer = io.StringIO()
    buffer.writelines("\t".join([FORMATS[type(value)](value) for value in row]) + "\n" for row in rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer)


def _datetime(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value}: COPY takes aware datetimes only")
    return value.isoformat()


class _Formats(dict[type, Callable[[Any], str]]):
    """A value's COPY text by its type; a subclass (choices, FieldFile) is written as its nearest known base."""

    def __missing__(self, kind: type) -> Callable[[Any], str]:
        for base in kind.__mro__[1:]:
            if base in self:
                self[kind] = self[base]
                return self[kind]
        raise TypeError(f"no COPY text for a {kind.__name__}")


FORMATS = _Formats(
    {
        type(None): lambda _value: r"\N",
        str: methodcaller("translate", ESCAPES),
        bool: {True: "t", False: "f"}.__getitem__,
        int: int.__repr__,
        float: float.__repr__,
        decimal.Decimal: decimal.Decimal.__str__,
        uuid.UUID: uuid.UUID.__str__,
        datetime.datetime: _datetime,
        datetime.date: datetime.date.isoformat,
        datetime.time: datetime.time.isoformat,
        datetime.timedelta: lambda value: f"{value.total_seconds()!r} seconds",
        FieldFile: lambda value: (value.name or "").translate(ESCAPES),
    }
)
