"""What the returns endpoints share: limits, parameters, and the return in the caller's scope."""

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from rma.returns import selectors
from rma.returns.models import ReturnRequest

LANGUAGES = ("fr", "en")
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 128

PUBLIC_ID_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The return's public id."
)
EXTERNAL_ID_PARAMETER = OpenApiParameter(
    "external_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The shop's order id."
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, up to 128 characters. Sending the same key again (same user, same body) gives back the return "
        "the first request created, with 200 instead of 201; the same key with a different body is refused with "
        "409 `idempotency_key_reused`."
    ),
)


def _return_request_or_404(*, user: User | AnonymousUser, public_id: str) -> ReturnRequest:
    """A return in the user's scope; out of scope looks exactly like unknown, so existence is not revealed."""
    return_request = selectors.return_request_get(user=user, public_id=public_id)
    if return_request is None:
        raise Http404
    return return_request


def return_request_alone_or_404(*, user: User | AnonymousUser, public_id: str) -> ReturnRequest:
    """Like `_return_request_or_404`, without the lines, history and sites (for the return's notes)."""
    return_request = selectors.return_request_get_alone(user=user, public_id=public_id)
    if return_request is None:
        raise Http404
    return return_request
