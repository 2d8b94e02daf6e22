"""Under /api/ every answer is JSON in the API's error shape, whatever fails; pages keep their HTML error pages.

DRF's views already answer their own errors through `exception_handler`. This middleware covers the rest:
- an exception no view handled: the database gone (a 503 with Retry-After) or a bug (a 500, logged with the
  request id that the answer carries, never the traceback);
- error answers made outside DRF (an unknown path or malformed id that matches no route, Django's own 400, 403,
  404, 405 and 500 pages, in DEBUG too): their HTML is replaced by the error shape, status and headers kept.
"""

import logging
import re
import uuid
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions

from rma.core.api.exception_handler import error_body

logger = logging.getLogger("rma.api")

API_PREFIX = "/api/"
REQUEST_ID_HEADER = "X-Request-ID"
# A request id set by the proxy in front of us is kept when it looks like one; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# How long a client should wait before retrying when the database is away (a restart, a failover).
RETRY_AFTER_SECONDS = 5
# Exceptions Django turns into a 4xx itself; their page is then rewritten as JSON on the way out.
_CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)
# Headers of an error answer that still hold once its body is JSON.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", REQUEST_ID_HEADER)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def request_id_of(request: HttpRequest) -> str:
    """The id that ties a request's log lines to its answer."""
    request_id = getattr(request, "request_id", "")
    if not request_id:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
    return request_id


def _code_and_message(status: int) -> tuple[str, str]:
    """The error shape's code and message for an answer of `status` that came without them."""
    known: dict[int, type[exceptions.APIException]] = {
        400: exceptions.ParseError,
        401: exceptions.NotAuthenticated,
        403: exceptions.PermissionDenied,
        404: exceptions.NotFound,
        406: exceptions.NotAcceptable,
        429: exceptions.Throttled,
    }
    if status in known:
        exc = known[status]()
        return str(exc.default_code), str(exc.detail)
    if status == 405:
        return "method_not_allowed", _("This method is not allowed here.")
    if status == 415:
        return "unsupported_media_type", _("This media type is not supported.")
    if status == 503:
        return "service_unavailable", _("The service is unavailable for a moment. Please try again shortly.")
    if status >= 500:
        return "server_error", str(exceptions.APIException.default_detail)
    return "invalid", _("The request could not be processed.")


def api_error_response(
    request: HttpRequest, status: int, *, with_request_id: bool = False, headers: dict[str, str] | None = None
) -> JsonResponse:
    """A JSON answer in the error shape for `status`; `with_request_id` adds the id to `details` as well."""
    code, message = _code_and_message(status)
    request_id = request_id_of(request)
    details = {"request_id": request_id} if with_request_id else None
    response = JsonResponse(error_body(code, message, details), status=status, headers=headers)
    response[REQUEST_ID_HEADER] = request_id
    return response


def _is_json(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type == "application/json" or content_type.endswith("+json")


class ApiErrorMiddleware:
    """First in MIDDLEWARE: it sees every answer under /api/ on its way out, and every exception a view raised."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_api_request(request):
            return self.get_response(request)
        request_id = request_id_of(request)
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            replacement = api_error_response(
                request, response.status_code, with_request_id=response.status_code >= 500
            )
            for header in _KEPT_HEADERS:
                if header in response:
                    replacement[header] = response[header]
            replacement.cookies = response.cookies
            response.close()
            response = replacement
        response[REQUEST_ID_HEADER] = request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_request(request) or isinstance(exception, _CLIENT_ERRORS):
            return None
        request_id = request_id_of(request)
        if isinstance(exception, OperationalError | InterfaceError):
            # The connection was dropped or the server is away: the atomic request has been rolled back and the
            # connection closed, so the next request connects afresh.
            logger.warning(
                "Database unavailable on %s %s, request id %s: %s", request.method, request.path, request_id, exception
            )
            return api_error_response(
                request, 503, with_request_id=True, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
        logger.error(
            "Unhandled error on %s %s, request id %s", request.method, request.path, request_id, exc_info=exception
        )
        return api_error_response(request, 500, with_request_id=True)
