"""Django's ModelBackend, with the session's user read with their roles in one statement and their permissions in
one more.

Every staff page reads its signed-in user, then checks a role (rma.core.roles) or a permission: Django's backend
reads the user, the roles take a second statement, and a permission two more (the user's own, then their groups').
Here the user comes with their groups' names (rma.core.user_rows), and the permissions of both kinds in one
statement, prepared once per database session on PostgreSQL (rma.core.prepared): the ORM's form of it, four outer
joins under a DISTINCT, took the server longer to plan than to run. What a user may do is unchanged: inactive users
have no permission, superusers have every one.
"""

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import Model

from rma.core import user_rows
from rma.core.prepared import prepared_rows

PERMISSIONS = "rma_user_permissions"  # the name of its prepared statement


@cache
def _permissions_sql(alias: str) -> str:
    """A user's permissions, their own and their groups', as (app label, codename), by the user's id twice."""
    quote = connections[alias].ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    own = User.user_permissions.through
    granted = Group.permissions.through
    memberships = User.groups.through
    return (
        f"SELECT t.{quote('app_label')}, p.{quote('codename')} FROM {table(Permission)} p "
        f"INNER JOIN {table(ContentType)} t ON t.{quote('id')} = p.{quote('content_type_id')} "
        f"WHERE p.{quote('id')} IN ("
        f"SELECT {quote('permission_id')} FROM {table(own)} WHERE {quote('user_id')} = %s "
        f"UNION SELECT g.{quote('permission_id')} FROM {table(granted)} g "
        f"INNER JOIN {table(memberships)} m ON m.{quote('group_id')} = g.{quote('group_id')} "
        f"WHERE m.{quote('user_id')} = %s)"
    )


class RoleAwareModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        alias = router.db_for_read(User)
        statement = user_rows.by_id(alias)
        rows = statement.rows(alias, user_id)
        if not rows:
            return None
        _leading, user = statement.user(alias, rows)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: User | AnonymousUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached: set[str] | None = getattr(user_obj, "_perm_cache", None)
        if cached is None:
            if user_obj.is_superuser:
                return super().get_all_permissions(user_obj, obj)
            alias = router.db_for_read(Permission)
            granted = prepared_rows(alias, PERMISSIONS, _permissions_sql(alias), [user_obj.pk, user_obj.pk])
            cached = {f"{app_label}.{codename}" for app_label, codename in granted}
            # Where Django's backend keeps them for the request: has_perm and it read them from there.
            setattr(user_obj, "_perm_cache", cached)  # noqa: B010
        return cached
