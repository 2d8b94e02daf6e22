"""Token authentication that reads the caller's roles with their token: one statement per request, not two.

An integration's token is the API's most frequent caller, and every one of its requests checks a role
(rma.core.api.permissions): DRF's TokenAuthentication reads the token and its user, then the permission reads the
user's groups. Here the groups come in the same statement (one row per group, none for a user without one).

The statement and its columns' converters are made once per database, not built by the ORM on each request: on
the path that accepts a return for later, building and compiling that query cost more than the request's insert.
On PostgreSQL the statement is also prepared once per connection (PREPARE, then EXECUTE on each request): planning
its joins cost the server more than running them. A connection pooler that hands a session's statements to other
sessions (PgBouncer in transaction mode) does not keep prepared statements: set RMA_DB_PREPARED_STATEMENTS=false
behind one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from rma.core import roles
from rma.core.services import Converter, db_converters, db_value_converted

USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
PREPARED_NAME = "rma_token_auth"
TOKEN_FIELDS = ("key", "user_id", "created")


@dataclass(frozen=True)
class _Statement:
    sql: str
    columns: tuple[Col, ...]
    converters: tuple[tuple[Converter, ...], ...]  # per column: what the ORM applies to its value

    def values(self, alias: str, row: Sequence[Any]) -> list[Any]:
        connection = connections[alias]
        return [
            db_value_converted(value, converters, column, connection)
            for value, converters, column in zip(row, self.converters, self.columns, strict=True)
        ]


@cache
def _statement(alias: str) -> _Statement:
    """The token's creation time, its user's columns and a group's name, by the token's key: one row per group,
    one row with a NULL name for a user without one."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields: list[tuple[str, Field[Any, Any]]] = [
        ("t", Token._meta.get_field("created")),
        *(("u", field) for field in User._meta.concrete_fields),
        ("g", Group._meta.get_field("name")),
    ]
    columns = tuple(Col(table, field) for table, field in fields)
    memberships = User.groups.through._meta.db_table
    sql = (
        f"SELECT {', '.join(f'{table}.{quote(field.column)}' for table, field in fields)} "
        f"FROM {quote(Token._meta.db_table)} t "
        f"INNER JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = t.{quote('user_id')} "
        f"LEFT JOIN {quote(memberships)} m ON m.{quote('user_id')} = u.{quote('id')} "
        f"LEFT JOIN {quote(Group._meta.db_table)} g ON g.{quote('id')} = m.{quote('group_id')} "
        f"WHERE t.{quote('key')} = %s"
    )
    converters = tuple(db_converters(connection, column) for column in columns)
    return _Statement(sql, columns, converters)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        alias = router.db_for_read(Token)
        statement = _statement(alias)
        rows = _rows(connections[alias], statement, key)
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        created, *user_values, _role = statement.values(alias, rows[0])
        user = User.from_db(alias, USER_FIELDS, user_values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(alias, TOKEN_FIELDS, (key, user.pk, created))
        token.user = user
        roles.user_roles_known(user, frozenset(row[-1] for row in rows if row[-1]))
        return user, token


def _rows(connection: BaseDatabaseWrapper, statement: _Statement, key: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.RMA_DB_PREPARED_STATEMENTS:
            cursor.execute(statement.sql, [key])
            return cursor.fetchall()
        # Prepared once per session: the database connection itself, which a reconnection replaces. Part of the
        # session's setup, like the time zone Django sets on it: on the driver's own cursor, not among the statements
        # of the request that happens to open the session. A prepared statement outlives the transaction that made
        # it, even one rolled back.
        session = connection.connection
        if getattr(connection, "_rma_token_prepared_on", None) is not session:
            with session.cursor() as setup:
                setup.execute(f"PREPARE {PREPARED_NAME} AS {statement.sql.replace('%s', '$1')}")
            connection._rma_token_prepared_on = session  # type: ignore[attr-defined]
        cursor.execute(f"EXECUTE {PREPARED_NAME}(%s)", [key])
        return cursor.fetchall()
