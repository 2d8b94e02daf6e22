"""Permissions by role; the object scope of each role is applied by the selectors."""

from django.contrib.auth.models import AnonymousUser, User
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
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


def permission_required(*perms: str) -> type[BasePermission]:
    """A permission class that lets in users holding every one of `perms` ("app_label.codename"), by their groups
    or given to them alone (superusers hold them all)."""

    class HasPermissions(BasePermission):
        message = "Your role does not allow this operation."

        def has_permission(self, request: Request, view: APIView) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    HasPermissions.__name__ = "HasPermissions_" + "_".join(perm.replace(".", "_") for perm in perms)
    return HasPermissions


def request_user(request: Request) -> User:
    """The signed-in user behind a request that a role permission has already let in."""
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise NotAuthenticated
    return user


AnyStaffRole = role_permission(*roles.ALL_ROLES)
# Orders come from the shop (integration tokens); agents look them up for customers.
OrderRoles = role_permission(roles.INTEGRATION, roles.AGENT)
# Who may create and move returns on a customer's behalf (store staff within their shops).
ReturnWriterRoles = role_permission(roles.INTEGRATION, roles.AGENT, roles.STORE_STAFF)
# The review queue: approve or reject (agents by their group; anyone else given the permission, e.g. a token).
ReviewerRoles = permission_required("returns.review_returnrequest")
# Internal notes on returns: read, write.
NoteReaders = permission_required("returns.view_returnnote")
NoteWriters = permission_required("returns.add_returnnote")


# ---- OpenAPI description of the one error shape (rma.core.api.exception_handler.error_body)


class ApiErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `invalid`, `not_found`.")
    message = serializers.CharField(help_text="Human-readable message, in the request language when translated.")
    details = serializers.JSONField(required=False, help_text="Per-field errors or extra data, when any.")


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorDetailSerializer()


_STANDARD_ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("The request is not valid.", "invalid", "The request is not valid."),
    401: ("No valid credentials.", "not_authenticated", "Authentication credentials were not provided."),
    403: ("Your role does not allow this operation.", "permission_denied", "Your role does not allow this operation."),
    404: ("Not found, or not in your scope.", "not_found", "Not found."),
    409: ("Conflicts with the current state.", "invalid_transition", "This move is not allowed from this status."),
    422: ("Refused by the return policy.", "not_eligible", "This item cannot be returned."),
}


def error_response(
    status: int, description: str = "", *, examples: list[OpenApiExample] | None = None
) -> OpenApiResponse:
    """An OpenAPI response documenting the error shape for one status code."""
    default_description, code, message = _STANDARD_ERRORS.get(status, ("Error.", "error", "Error."))
    return OpenApiResponse(
        response=ApiErrorSerializer,
        description=description or default_description,
        examples=examples
        or [OpenApiExample(f"{code}", value={"error": {"code": code, "message": message}}, status_codes=[status])],
    )


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """`responses` entries for the usual error codes of an operation."""
    return {status: error_response(status) for status in statuses}
