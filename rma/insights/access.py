"""Who may read the reports: superusers, agents and integrations (every return), shop and warehouse staff (their
sites' returns); the figures are scoped by rma.returns.selectors.return_request_scope."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from rma.core import roles

READER_ROLES = frozenset({roles.AGENT, roles.INTEGRATION, roles.STORE_STAFF, roles.WAREHOUSE_STAFF})


def report_reader(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not (user.is_superuser or roles.user_roles(user) & READER_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
