"""Step 1: find the order by its number and the email address or delivery postcode; leave it again.

No personal data travels in URLs: the order is found by POST and held in a signed, expiring session
(session.py); a return is then reached by its unguessable public id only.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rma.orders.selectors import order_get_for_customer
from rma.portal.forms import LookupForm
from rma.portal.session import portal_session_close, portal_session_open
from rma.returns.customer_lists import customer_is_blocked

logger = logging.getLogger(__name__)

LOOKUP_FAILED = _(
    "We could not find an order with these details. Check the order number and the email address or postcode."
)
# A customer on the block list (rma.returns.customer_lists): told where to turn, not why.
SELF_SERVICE_REFUSED = _(
    "We cannot start a return for this order online. Please contact our customer service: "
    "they will be happy to help you with your return."
)


def _client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ``RMA_TRUSTED_PROXY_COUNT`` reverse proxies the address the first of them saw."""
    proxies = int(settings.RMA_TRUSTED_PROXY_COUNT)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def lookup_rate_limited(request: HttpRequest) -> bool:
    """Count this attempt for the client; True when it is over the limit (a fixed window per IP)."""
    attempts, window = settings.RMA_PORTAL_LOOKUP_RATE
    client = hashlib.sha256(_client_ip(request).encode()).hexdigest()[:32]
    key = f"rma:portal:lookup:{client}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > attempts


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    refused = ""
    if request.method == "POST":
        if lookup_rate_limited(request):
            logger.info("portal lookup rate-limited")
            response = render(request, "portal/rate_limited.html", status=429)
            response["Retry-After"] = str(settings.RMA_PORTAL_LOOKUP_RATE[1])
            return response
        if form.is_valid():
            order = order_get_for_customer(
                number=form.cleaned_data["order_number"], email_or_postcode=form.cleaned_data["email_or_postcode"]
            )
            if order is not None and customer_is_blocked(order=order):
                # No session (and none left open from before): no step of a return opens.
                portal_session_close(request=request)
                refused = str(SELF_SERVICE_REFUSED)
            elif order is not None:
                portal_session_open(request=request, order=order)
                return redirect("portal:items")
            else:
                form.add_error(None, LOOKUP_FAILED)
    return render(request, "portal/lookup.html", {"form": form, "refused": refused})


@require_POST
def end_session(request: HttpRequest) -> HttpResponse:
    portal_session_close(request=request)
    messages.info(request, _("You have left your order. Your information is no longer shown on this device."))
    return redirect("portal:lookup")
