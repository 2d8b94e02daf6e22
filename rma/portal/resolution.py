"""Step 4: refund, store credit or exchange (and for what)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from rma.integrations.shop import ShopClient, Variant, shop_client_get
from rma.orders.models import Order
from rma.portal.formatting import line_view, money, percent
from rma.portal.forms import ResolutionForm
from rma.portal.guards import portal_required, render_step
from rma.portal.items import chosen_lines
from rma.portal.reasons import reasons_complete
from rma.portal.session import PortalState, portal_state, portal_state_save
from rma.returns.choices import Resolution
from rma.returns.exchanges import exchange_choices, shop_stock_known
from rma.returns.policy import policy_get_default, store_credit_offer


def chosen_exchange_options(
    order: Order, state: PortalState, client: ShopClient | None = None
) -> dict[int, list[Variant]]:
    """The variants each chosen line could be exchanged for (by the exchange rules), by order line id."""
    client = client or shop_client_get()
    policy = policy_get_default()
    chosen = chosen_lines(order, state)
    read_ahead = getattr(client, "variants_read_ahead", None)  # a local catalogue: all lines in one query
    if read_ahead is not None and chosen:
        read_ahead(lines=[(line.product_ref, line.sku) for line, _quantity in chosen])
    return {line.pk: exchange_choices(order_line=line, policy=policy, client=client) for line, _quantity in chosen}


def resolution_amounts(order: Order, state: PortalState) -> dict[str, Any]:
    """What a refund and a store credit would come to for the chosen items (before any return fee), the credit with
    the policy's bonus, and when the policy issues the credit."""
    value = sum((line.unit_price * quantity for line, quantity in chosen_lines(order, state)), Decimal("0.00"))
    policy = policy_get_default()
    offer = store_credit_offer(policy=policy, base=value)
    return {
        "refund_amount": money(value, order.currency),
        "store_credit_amount": money(offer.amount, order.currency),
        "store_credit_bonus": percent(offer.bonus_percent) if offer.bonus_percent > 0 else "",
        "store_credit_moment": policy.store_credit_moment,
    }


# The step reads and keeps its answers in the session only: no transaction (its BEGIN and COMMIT) for nothing.
@transaction.non_atomic_requests
@portal_required
def resolution(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    if not reasons_complete(order, state):
        return redirect("portal:reasons" if state.get("lines") else "portal:items")
    client = shop_client_get()
    options = chosen_exchange_options(order, state, client)
    initial = {"resolution": state.get("resolution") or Resolution.REFUND}
    initial.update({f"exchange_{pk}": sku for pk, sku in (state.get("exchange") or {}).items()})
    lines = {line.pk: line for line, _quantity in chosen_lines(order, state)}
    form = ResolutionForm(request.POST or None, exchange_options=options, order_lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        state["resolution"] = form.cleaned_data["resolution"]
        state["exchange"] = (
            {str(pk): form.cleaned_data[f"exchange_{pk}"] for pk in options}
            if state["resolution"] == Resolution.EXCHANGE
            else {}
        )
        portal_state_save(request=request)
        return redirect("portal:drop_off")
    blocks = []
    for line, quantity in chosen_lines(order, state):
        block = {**line_view(line, order.currency), "quantity": quantity, "variants": options.get(line.pk, [])}
        if options.get(line.pk):
            block["field"] = form[f"exchange_{line.pk}"]
        blocks.append(block)
    context = {
        "order": order,
        "form": form,
        "blocks": blocks,
        "exchange_possible": form.exchange_possible,
        **resolution_amounts(order, state),
        # Without a stock source, no page may say that a size is in stock.
        "stock_known": shop_stock_known(client),
    }
    return render_step(request, "portal/resolution.html", "resolution", context, status=400 if form.errors else 200)
