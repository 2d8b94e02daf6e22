"""One id per request, on its response, in every log line it writes and in the tasks it queues.

A load balancer or another service may send ``X-Request-ID``; it is kept when it looks like an id (so a log line
cannot be forged or flooded through it), otherwise a fresh one is made.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import sentry_sdk
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# The Celery message header that carries the id of the request that queued a task.
TASK_HEADER = "rma_request_id"
# The rule the API's error answers already apply (rma/core/api/middleware.py), which reuse this id.
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_id_var: ContextVar[str | None] = ContextVar("rma_request_id", default=None)


def request_id_current() -> str | None:
    return request_id_var.get()


def request_id_accept(value: str | None) -> str:
    """The client's id when it is sane, else a new one."""
    if value and _SANE.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost middleware: everything below it, errors included, logs with the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.META.get(META_KEY))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        sentry_sdk.set_tag("request_id", request_id)  # a Sentry report names the request's log lines
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request or task), for both formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer ("django.request") after the middleware returned: its record has the request.
        from_request = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id_var.get() or from_request or "-"
        return True


# ---- Celery: the id travels in the message's headers and is set again while the task runs.
_task_tokens: dict[str, Any] = {}


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id:
        headers[TASK_HEADER] = request_id


def task_prerun_set_request_id(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    # Custom headers land on the task's request, or in its `headers` (depending on the message protocol).
    request_id = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(TASK_HEADER)
    if task_id and isinstance(request_id, str) and _SANE.match(request_id):
        _task_tokens[task_id] = request_id_var.set(request_id)


def task_postrun_reset_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        request_id_var.reset(token)
