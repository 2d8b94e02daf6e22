"""Permissions by role; the object scope of each role is applied by the selectors."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from rma.core import roles


def role_permission(*allowed: str) -> type[BasePermission]:
    """A permission class that lets in superusers and holders of one of the given roles."""

    class RolePermission(BasePermission):
        message = "Your role does not allow this operation."

        def has_permission(self, request: Request, view: APIView) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            return user.is_superuser or bool(roles.user_roles(user) & set(allowed))

    RolePermission.__name__ = "RolePermission_" + "_".join(allowed)
    return RolePermission


AnyStaffRole = role_permission(*roles.ALL_ROLES)
