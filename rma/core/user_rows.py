"""A user read with their roles in one statement, by API token (rma.core.api.authentication) or by id (the session's
user, rma.core.auth_backend): one row per group, one row with a NULL group name for a user without one.

Every staff page and every API request reads its user, then checks a role, so both came in two statements. Here the
groups come with the user. Each statement and its columns' converters are made once per database rather than built
by the ORM on each request. On PostgreSQL each is also prepared once per connection (rma.core.prepared): planning its
joins cost the server more than running them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connections
from django.db.models import Field
from django.db.models.expressions import Col
from rest_framework.authtoken.models import Token

from rma.core import roles
from rma.core.prepared import prepared_rows
from rma.core.services import Converter, db_converters, db_value_converted

USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
# The names of the prepared statements.
BY_TOKEN = "rma_token_auth"
BY_ID = "rma_session_user"


@dataclass(frozen=True)
class UserRowsStatement:
    """A statement selecting `leading` columns, the user's columns and a group's name, by one parameter."""

    name: str  # of its prepared statement on PostgreSQL
    sql: str
    columns: tuple[Col, ...]
    converters: tuple[tuple[Converter, ...], ...]  # per column: what the ORM applies to its value
    leading: int  # columns before the user's

    def rows(self, alias: str, key: Any) -> list[tuple[Any, ...]]:
        return prepared_rows(alias, self.name, self.sql, [key])

    def values(self, alias: str, row: Sequence[Any]) -> list[Any]:
        connection = connections[alias]
        return [
            db_value_converted(value, converters, column, connection)
            for value, converters, column in zip(row, self.converters, self.columns, strict=True)
        ]

    def user(self, alias: str, rows: Sequence[Sequence[Any]]) -> tuple[list[Any], User]:
        """The leading values of the first row, and the user, with their roles known (rma.core.roles)."""
        values = self.values(alias, rows[0])
        leading, user_values = values[: self.leading], values[self.leading : -1]
        user = User.from_db(alias, USER_FIELDS, user_values)
        roles.user_roles_known(user, frozenset(row[-1] for row in rows if row[-1]))
        return leading, user


def _statement(
    alias: str, name: str, leading: list[tuple[str, "Field[Any, Any]"]], source: str, where: str
) -> UserRowsStatement:
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields: list[tuple[str, Field[Any, Any]]] = [
        *leading,
        *(("u", field) for field in User._meta.concrete_fields),
        ("g", Group._meta.get_field("name")),
    ]
    columns = tuple(Col(table, field) for table, field in fields)
    memberships = User.groups.through._meta.db_table
    sql = (
        f"SELECT {', '.join(f'{table}.{quote(field.column)}' for table, field in fields)} FROM {source} "
        f"LEFT JOIN {quote(memberships)} m ON m.{quote('user_id')} = u.{quote('id')} "
        f"LEFT JOIN {quote(Group._meta.db_table)} g ON g.{quote('id')} = m.{quote('group_id')} "
        f"WHERE {where} = %s"
    )
    converters = tuple(db_converters(connection, column) for column in columns)
    return UserRowsStatement(name, sql, columns, converters, len(leading))


@cache
def by_token(alias: str) -> UserRowsStatement:
    """The token's creation time, its user and their groups, by the token's key."""
    quote = connections[alias].ops.quote_name
    source = (
        f"{quote(Token._meta.db_table)} t "
        f"INNER JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = t.{quote('user_id')}"
    )
    created = ("t", Token._meta.get_field("created"))
    return _statement(alias, BY_TOKEN, [created], source, f"t.{quote('key')}")


@cache
def by_id(alias: str) -> UserRowsStatement:
    """A user and their groups, by the user's id."""
    quote = connections[alias].ops.quote_name
    return _statement(alias, BY_ID, [], f"{quote(User._meta.db_table)} u", f"u.{quote('id')}")
