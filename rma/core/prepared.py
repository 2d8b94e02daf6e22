"""Statements that every request of a page runs with the same shape, prepared once per database session on
PostgreSQL: planning them cost the server more than running them.

The statement is written with `%s` placeholders, as for a cursor. On PostgreSQL it is prepared (PREPARE name AS …,
with $1, $2…) the first time a session runs it, then executed by name. Elsewhere, or with
RMA_DB_PREPARED_STATEMENTS=false, it runs as written. A connection pooler that hands a session's statements to other
sessions (PgBouncer in transaction mode) does not keep prepared statements: set the setting to false behind one.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections


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
