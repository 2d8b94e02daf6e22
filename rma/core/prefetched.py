"""Related rows a caller already holds, given to an instance as if `prefetch_related` had loaded them.

A service that has just written a row's children (a return's lines and events) keeps them on the instance, so that
what follows in the same request (messages, the API's answer) reads them from memory instead of the database.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models


def prefetched_set(*, instance: models.Model, name: str, rows: Iterable[models.Model]) -> None:
    """Make `instance.<name>.all()` give `rows` (in this order) without a query, as `prefetch_related` does."""
    manager = getattr(instance, name)
    key = _cache_name(manager)
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(key, None)  # the manager's own queryset below, not the rows held before
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache[key] = queryset


def prefetched_get(*, instance: models.Model, name: str) -> list[Any] | None:
    """The rows of `instance.<name>` loaded by `prefetch_related` (or `prefetched_set`), or None when not loaded."""
    queryset = getattr(instance, "_prefetched_objects_cache", {}).get(_cache_name(getattr(instance, name)))
    return None if queryset is None else list(queryset)


def prefetched_append(*, instance: models.Model, name: str, row: models.Model) -> None:
    """Add `row` to the loaded rows of `instance.<name>`, if they are loaded (a row just written)."""
    rows = prefetched_get(instance=instance, name=name)
    if rows is not None:
        prefetched_set(instance=instance, name=name, rows=[*rows, row])


def _cache_name(manager: Any) -> str:
    """Where `prefetch_related` keeps a relation's rows: a reverse foreign key's name, or a many-to-many's."""
    field = getattr(manager, "field", None)
    return str(field.remote_field.cache_name if field is not None else manager.prefetch_cache_name)
