"""What every step of the return wizard shares: the session guard and the step header."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from rma.orders.models import Order
from rma.portal.session import PortalSessionInvalid, portal_order_get, portal_session_close

STEPS = (
    ("items", _("Items")),
    ("reasons", _("Reasons")),
    ("resolution", _("Resolution")),
    ("drop_off", _("Drop-off")),
    ("review", _("Review")),
)


_P = ParamSpec("_P")


def portal_required(
    view: Callable[Concatenate[HttpRequest, Order, _P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, _P], HttpResponseBase]:
    """Run the view with the session's order, or send the customer back to the lookup page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> HttpResponseBase:
        try:
            order = portal_order_get(request=request)
        except PortalSessionInvalid as exc:
            portal_session_close(request=request)
            if exc.reason == "expired":
                messages.info(request, _("Your session has expired. Find your order again to continue."))
            else:
                messages.info(request, _("Find your order to start a return."))
            return redirect("portal:lookup")
        return view(request, order, *args, **kwargs)

    return never_cache(wrapper)


def render_step(
    request: HttpRequest, template: str, step: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    keys = [key for key, _label in STEPS]
    current = keys.index(step)
    steps = [
        {"key": key, "label": label, "number": index + 1, "done": index < current, "current": index == current}
        for index, (key, label) in enumerate(STEPS)
    ]
    return render(request, template, {"steps": steps, "step_number": current + 1, **context}, status=status)
