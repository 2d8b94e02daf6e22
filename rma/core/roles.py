"""Staff roles, as Django groups, and the scope each one sees."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

AGENT = "agent"
STORE_STAFF = "store_staff"
WAREHOUSE_STAFF = "warehouse_staff"
INTEGRATION = "integration"

ALL_ROLES = (AGENT, STORE_STAFF, WAREHOUSE_STAFF, INTEGRATION)


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The role names of a user (cached on the instance for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_rma_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._rma_roles = cached
    return cached


def has_global_scope(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Superusers, agents and integrations see every return."""
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & {AGENT, INTEGRATION}))
