"""Domain errors: raised by services, turned into form messages or JSON by the interfaces."""

from typing import Any


class DomainError(Exception):
    """A rule refused the operation; `code` is stable, `message` can be shown to a person."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class NotEligible(DomainError):
    """The return (or one of its lines) is not allowed by the policy."""

    code = "not_eligible"
    http_status = 422


class InvalidTransition(DomainError):
    """The requested status change is not in the lifecycle from the current status."""

    code = "invalid_transition"
    http_status = 409


class Conflict(DomainError):
    """The request conflicts with the current state (for example, a reused idempotency key)."""

    code = "conflict"
    http_status = 409


class UnknownReference(DomainError):
    """A well-formed request names something (an order, a line, a shop…) that does not exist or is not in scope.

    A 404 like an unknown URL: the request is valid, what it points at is not there. `extra` names the fields.
    """

    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    """The caller may not do this (for example, create a return at a shop they do not work at)."""

    code = "permission_denied"
    http_status = 403
