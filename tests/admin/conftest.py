"""Fixtures for the admin tests: returns built through the services, and a helper to resubmit a change form."""

from typing import Any

import pytest
from django.forms import MultiWidget

from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
from tests.locations.factories import DropOffPointFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory


@pytest.fixture
def review_policy(db):
    """Every submitted return waits for an agent."""
    return ReturnPolicyFactory(auto_approve=False)


@pytest.fixture
def relay(db):
    return DropOffPointFactory()


@pytest.fixture
def make_return(review_policy, relay):
    """Create (and by default submit, so it waits in needs_review) a return through the service."""
    WarehouseFactory()
    reason = ReasonCodeFactory()

    def make(*, submit: bool = True, order_line=None, **kwargs: Any):
        order_line = order_line or OrderLineFactory()
        return return_request_create(
            order=order_line.order,
            lines=[ReturnLineInput(order_line=order_line, quantity=1, reason=reason)],
            drop_off=kwargs.pop("drop_off", DropOffChoice(method="relay_point", point=relay)),
            submit=submit,
            **kwargs,
        )

    return make


def change_form_data(response) -> dict[str, Any]:
    """The POST data a browser would send back for an admin change form, as rendered."""
    data: dict[str, Any] = {}

    def add(form, name: str) -> None:
        value = form[name].value()
        widget = form.fields[name].widget
        key = form.add_prefix(name)
        if isinstance(getattr(widget, "widget", widget), MultiWidget):
            inner = getattr(widget, "widget", widget)
            for index, part in enumerate(inner.decompress(value)):
                if part is not None:
                    data[f"{key}_{index}"] = part
        elif value is not None:
            data[key] = value

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for inline_form in formset.forms:
            for name in inline_form.fields:
                add(inline_form, name)
    return data
