"""Staff roles, as Django groups, and the scope each one sees."""

from django.contrib.auth.models import AnonymousUser, User

AGENT = "agent"
STORE_STAFF = "store_staff"
WAREHOUSE_STAFF = "warehouse_staff"
INTEGRATION = "integration"

ALL_ROLES = (AGENT, STORE_STAFF, WAREHOUSE_STAFF, INTEGRATION)


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The role names of a user (cached on the instance for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_rma_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        # Kept on the instance, which lives for one request, so that repeated checks cost no query.
        setattr(user, "_rma_roles", cached)  # noqa: B010
    return cached


def user_roles_known(user: User, names: frozenset[str]) -> None:
    """Keep the role names already read with the user (rma.core.api.authentication), as `user_roles` would."""
    setattr(user, "_rma_roles", names)  # noqa: B010


def has_global_scope(user: User | AnonymousUser) -> bool:
    """Superusers, agents and integrations see every return."""
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & {AGENT, INTEGRATION}))
