"""For the admin tests: returns that wait for an agent (import `policy` as a fixture), resubmitted change forms."""

from typing import Any

import pytest
from django.forms import MultiWidget

from tests.returns.factories import ReturnPolicyFactory


@pytest.fixture
def policy(db):
    """Every submitted return waits for an agent."""
    return ReturnPolicyFactory(auto_approve=False)


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
