"""What every warehouse page shares: who may open it, which warehouse is current, how it is rendered."""

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rma.core.staff import StaffSite
from rma.locations.models import Warehouse
from rma.warehouse import selectors
from rma.warehouse.forms import ScanForm

SESSION_WAREHOUSE = "warehouse_current_id"


# Signed-in warehouse operators (and superusers) only: others are sent to log in, or refused (403).
WAREHOUSE_PAGES = StaffSite(
    login_url="warehouse:login",
    home_url="warehouse:board",
    is_member=selectors.is_warehouse_user,
    sites_for_user=selectors.warehouses_for_user,
    session_key=SESSION_WAREHOUSE,
    sites_attr="warehouses",
    current_attr="current_warehouse",
    switch_field="warehouse",
)
warehouse_view = WAREHOUSE_PAGES.view


class WarehouseRequest(HttpRequest):
    """A warehouse page's request as `warehouse_view` lets it through: a signed-in operator, their warehouses, the
    one worked in."""

    user: User
    warehouses: list[Warehouse]
    current_warehouse: Warehouse | None


def render_page(request: WarehouseRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("scan_form", ScanForm())
    context["warehouses"] = request.warehouses
    context["current_warehouse"] = request.current_warehouse
    return render(request, template, context, status=status)
