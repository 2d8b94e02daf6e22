"""What every shop page shares: who may see them (store staff and superusers), the current shop, the layout.

Store staff see their own shops only; another shop's return, shipment or file is "not found" (404); other roles
are refused (403). Views shape input and call the services (rma.store.services.counter,
rma.shipping.services.shipments).
"""

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from rma.core.staff import StaffSite
from rma.locations.models import Store
from rma.store import selectors
from rma.store.forms import ScanForm

SESSION_STORE = "store_current_id"


# Store staff (and superusers) only: others are sent to log in, or refused (403).
STORE_PAGES = StaffSite(
    login_url="store:login",
    home_url="store:counter",
    is_member=selectors.is_store_user,
    sites_for_user=selectors.stores_for_user,
    session_key=SESSION_STORE,
    sites_attr="stores",
    current_attr="current_store",
    switch_field="store",
)
store_view = STORE_PAGES.view


class StoreRequest(HttpRequest):
    """A shop page's request as `store_view` lets it through: a signed-in user, their shops, the one worked in."""

    user: User
    stores: list[Store]
    current_store: Store | None


def render_page(request: StoreRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A shop page, with the scan box, the user's shops and the current one."""
    context.setdefault("scan_form", ScanForm())
    context["stores"] = request.stores
    context["current_store"] = request.current_store
    context.setdefault("nav", "shipments" if template.startswith("store/shipment") else "counter")
    return render(request, template, context, status=status)


def store_of(request: StoreRequest, obj_store_id: int | None) -> Store:
    """The user's shop an object belongs to; "not found" otherwise."""
    for store in request.stores:
        if store.pk == obj_store_id:
            return store
    raise Http404


@require_POST
@store_view
def switch_store(request: StoreRequest) -> HttpResponse:
    return STORE_PAGES.switch(request)
