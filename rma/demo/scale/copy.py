"""Rows written in bulk, batch by batch: with COPY on PostgreSQL, with bulk_create elsewhere (SQLite).

COPY skips what makes bulk_create slow at scale (an INSERT compiled value by value through each field's
preparation, then parsed by the server): values are read as they are and written in COPY's text format.

A `RowBatch` takes a batch's rows model by model, in the order they must be written:
- `rows(model, objs)`: unsaved instances, left as bulk_create leaves them: saved, with their primary keys, taken
  from the table's own sequence (so the sequence stays past them and the application inserts after the run). For
  the rows others point at.
- `values(model, rows)`: rows given as mappings of field attnames to values (`return_request_id`), the other
  fields taking their defaults and the table numbering them. For the many rows nothing points at, where a model
  instance per row would cost more than writing it.
`batches_write` sends each batch in a transaction of its own; on PostgreSQL it prepares the next batch in a second
thread while the server takes in the current one.

Only Django's own field types are known here: a model with another type is refused rather than written with a
guess at its database value. Naive datetimes are refused too (Django would read them in the current time zone).
"""

import datetime
import decimal
import io
import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from operator import attrgetter, itemgetter, methodcaller
from typing import Any, TypeVar

from django.db import connection, connections, models, transaction
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.files import FieldFile
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
B = TypeVar("B")
Getter = Callable[[Any], tuple[Any, ...]]

COPY_READ_SIZE = 1 << 20
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


class RowBatch:
    """One batch's rows, model by model; on PostgreSQL formatted as COPY text and sent by `send`, elsewhere written
    at once with bulk_create (in the caller's transaction)."""

    def __init__(self) -> None:
        self.copying = connection.vendor == "postgresql"
        self.copies: list[tuple[str, str]] = []  # (COPY statement, its rows as text)

    def rows(self, model: type[M], objs: Sequence[M]) -> None:
        """Unsaved instances: they get their primary keys now, as bulk_create gives them."""
        if not objs:
            return
        if not self.copying:
            model._default_manager.bulk_create(objs)
            return
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
            for position, relation in relations:  # an object saved after it was assigned: Django takes its key
                if row[position] is None and relation.is_cached(obj):
                    row[position] = _related_key(obj, relation)
            for position, field in computed:
                row[position] = field.pre_save(obj, add=True)
            for position, field in jsons:
                row[position] = _json(field, row[position])
            return row

        self._add(model, fields, (row(obj) for obj in objs))
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias

    def values(self, model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows by field attname; the fields not given take their defaults, the primary key from the table."""
        if not rows:
            return
        if not self.copying:
            model._default_manager.bulk_create([model(**row) for row in rows])
            return
        fields = [field for field in _fields(model) if not isinstance(field, AutoFieldMixin)]
        attnames = {field.attname for field in fields}
        made = [(f.attname, f.default) for f in fields if f.has_default() and callable(f.default)]
        fixed = {f.attname: f.get_default() for f in fields if f.attname not in dict(made)}
        stamped = dict.fromkeys((f.attname for f in fields if _computed(f)), timezone.now())  # as Django's save
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

        self._add(model, fields, (row(given) for given in rows))

    def send(self) -> None:
        """Write the batch's rows on this thread's connection, in the order they were given."""
        with connection.cursor() as cursor:
            for statement, text in self.copies:
                # Read in large pieces: psycopg2 takes the GIL for each, which the preparing thread holds meanwhile.
                # (Positional: Django's debug cursor passes no keywords on.)
                cursor.copy_expert(statement, io.StringIO(text), COPY_READ_SIZE)
        self.copies.clear()

    def _add(self, model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        text = "".join(["\t".join([FORMATS[type(value)](value) for value in row]) + "\n" for row in rows])
        self.copies.append((f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", text))


def batches_write(batches: Iterable[B], prepare: Callable[[B, RowBatch], None]) -> Iterator[B]:
    """Write each batch in a transaction of its own, yielding it once written.

    On PostgreSQL the next batch is prepared (rows built and formatted, keys taken) in a second thread, on a
    connection of its own, while the server takes in the one before: on two cores, a run takes about the longer
    of the two instead of their sum. Elsewhere, one batch after the other.
    """
    if connection.vendor != "postgresql":
        for batch in batches:
            with transaction.atomic():
                prepare(batch, RowBatch())
            yield batch
        return

    def prepared(batch: B) -> RowBatch:
        rows = RowBatch()
        prepare(batch, rows)
        return rows

    upcoming = iter(batches)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rows") as preparing:

        def ahead() -> list[tuple[B, Future[RowBatch]]]:
            """The next batch, handed to the preparing thread (none at the end)."""
            return [(batch, preparing.submit(prepared, batch)) for batch in itertools.islice(upcoming, 1)]

        try:
            following = ahead()
            while following:
                ((batch, future),) = following
                following = ahead()  # prepared while this one is sent
                with transaction.atomic():
                    future.result().send()
                yield batch
        finally:
            preparing.submit(connections.close_all).result()  # the thread's own connection (it took keys)


def _fields(model: type[models.Model]) -> list[models.Field]:
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if field.get_internal_type() not in KNOWN_TYPES or type(field).__module__.split(".")[0] != "django":
            raise TypeError(f"{model.__name__}.{field.name}: a {type(field).__name__} is not written by COPY here")
    return fields


def _computed(field: models.Field) -> bool:
    """The fields Django sets on save: auto_now and auto_now_add (rma.demo.scale.timestamps switches them off)."""
    return isinstance(field, models.DateField) and bool(field.auto_now or field.auto_now_add)


def _getter(kind: Callable[..., Callable[[Any], Any]], names: list[str]) -> Getter:
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
