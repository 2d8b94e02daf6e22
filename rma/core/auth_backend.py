"""Django's ModelBackend, with the session's user read with their roles in one statement and their permissions in
one more.

Every staff page reads its signed-in user, then checks a role (rma.core.roles) or a permission: Django's backend
reads the user, the roles take a second statement, and a permission two more (the user's own, then their groups').
Here the user comes with their groups' names (rma.core.user_rows), and the permissions of both kinds in one
statement. What a user may do is unchanged: inactive users have no permission, superusers have every one.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db import router
from django.db.models import Model, Q

from rma.core import user_rows


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
            granted = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            cached = {f"{app_label}.{codename}" for app_label, codename in granted}
            # Where Django's backend keeps them for the request: has_perm and it read them from there.
            setattr(user_obj, "_perm_cache", cached)  # noqa: B010
        return cached
