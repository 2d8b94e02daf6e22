"""Step 2: which items come back, and how many of each."""

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format

from rma.orders.models import Order, OrderLine
from rma.portal.formatting import line_view
from rma.portal.forms import ItemsForm
from rma.portal.guards import portal_required, render_step
from rma.portal.session import PortalState, photo_unstage, portal_state, portal_state_save
from rma.returns import policy as return_policy


def chosen_lines(order: Order, state: PortalState) -> list[tuple[OrderLine, int]]:
    """The order lines the customer chose in this step, with the quantity of each.

    The order's lines are read once per request (kept on the order), however many times a step asks.
    """
    chosen = state.get("lines") or {}
    prefetch_related_objects([order], "lines")
    lines = {str(line.pk): line for line in order.lines.all()}
    return [(lines[pk], quantity) for pk, quantity in chosen.items() if pk in lines]


@portal_required
def items(request: HttpRequest, order: Order) -> HttpResponse:
    state = portal_state(request=request)
    eligibility = return_policy.order_eligibility(order=order)
    form = ItemsForm(request.POST or None, eligibility=eligibility, initial_lines=state.get("lines"))
    if request.method == "POST" and form.is_valid():
        state["lines"] = form.cleaned_data["lines"]
        for pk in list((state.get("details") or {}).keys()):
            if pk not in state["lines"]:
                for photo in state["details"][pk].get("photos", []):
                    photo_unstage(request=request, photo_id=photo["id"])
                state["details"].pop(pk, None)
        portal_state_save(request=request)
        return redirect("portal:reasons")
    rows = []
    for verdict in eligibility:
        row = line_view(verdict.order_line, order.currency)
        row.update(
            {
                "eligible": verdict.eligible,
                "returnable_quantity": verdict.returnable_quantity,
                "ordered": verdict.order_line.quantity,
                "message": verdict.message,
                "closes_on": date_format(verdict.window_closes_on, "DATE_FORMAT") if verdict.window_closes_on else "",
            }
        )
        if verdict.eligible:
            row["check"] = form[f"line_{verdict.order_line.pk}"]
            row["qty"] = form[f"qty_{verdict.order_line.pk}"]
        rows.append(row)
    context = {
        "order": order,
        "form": form,
        "rows": rows,
        "any_eligible": any(v.eligible for v in eligibility),
        "placed_on": date_format(timezone.localtime(order.placed_at), "DATE_FORMAT"),
        "delivered_on": date_format(timezone.localtime(order.delivered_at), "DATE_FORMAT")
        if order.delivered_at
        else "",
    }
    return render_step(request, "portal/items.html", "items", context, status=400 if form.errors else 200)
