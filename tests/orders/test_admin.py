"""The order admin: lines inline, with the units held by returns shown but never written from the form."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma.orders.models import OrderLine
from tests.core.admin_support import change_form_data, policy  # noqa: F401 - fixture
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def order_url(order):
    return reverse("admin:orders_order_change", args=(order.pk,))


def line_data_key(data, order_line, field):
    """The inline form key of a field of one line, found by the line's id in the posted data."""
    [prefix] = [key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == order_line.pk]
    return f"{prefix}-{field}"


@pytest.fixture
def returned_line(make_return):
    """An order line of 3 units, one of them in a return."""
    line = OrderLineFactory(quantity=3)
    make_return(order_line=line)
    line.refresh_from_db()
    assert line.quantity_in_returns == 1
    return line


def test_order_lines_show_quantity_in_returns_read_only(admin_client, returned_line):
    response = admin_client.get(order_url(returned_line.order))

    [inline] = response.context["inline_admin_formsets"]
    [line_form] = inline.formset.forms
    assert "quantity" in line_form.fields
    assert "quantity_in_returns" not in line_form.fields
    assert "quantity_in_returns" in inline.readonly_fields


def test_editing_a_line_keeps_quantity_in_returns(admin_client, returned_line):
    data = change_form_data(admin_client.get(order_url(returned_line.order)))
    data[line_data_key(data, returned_line, "quantity")] = 4
    data[line_data_key(data, returned_line, "quantity_in_returns")] = 0

    def return_meanwhile(sender, instance, **kwargs):
        # A second unit goes into a return after the admin loaded the line and before it writes.
        pre_save.disconnect(return_meanwhile, sender=OrderLine)
        OrderLine.objects.filter(pk=instance.pk).update(quantity_in_returns=F("quantity_in_returns") + 1)

    pre_save.connect(return_meanwhile, sender=OrderLine)
    try:
        response = admin_client.post(order_url(returned_line.order), data)
    finally:
        pre_save.disconnect(return_meanwhile, sender=OrderLine)

    assert response.status_code == 302
    returned_line.refresh_from_db()
    assert returned_line.quantity == 4
    assert returned_line.quantity_in_returns == 2


def test_a_line_cannot_go_below_what_is_being_returned(admin_client, returned_line, make_return):
    make_return(order_line=returned_line)
    data = change_form_data(admin_client.get(order_url(returned_line.order)))
    data[line_data_key(data, returned_line, "quantity")] = 1

    response = admin_client.post(order_url(returned_line.order), data)

    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.errors[0]["quantity"]
    returned_line.refresh_from_db()
    assert (returned_line.quantity, returned_line.quantity_in_returns) == (3, 2)


def test_a_line_in_a_return_cannot_be_deleted_from_the_order(admin_client, returned_line):
    data = change_form_data(admin_client.get(order_url(returned_line.order)))
    data[line_data_key(data, returned_line, "DELETE")] = "on"

    response = admin_client.post(order_url(returned_line.order), data)

    assert response.status_code == 200
    assert OrderLine.objects.filter(pk=returned_line.pk).exists()


@pytest.mark.parametrize("name", ["orders_order", "orders_orderline"])
def test_order_changelists_query_count_does_not_grow_with_rows(admin_client, name):
    OrderLineFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse(f"admin:{name}_changelist"))
    OrderLineFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse(f"admin:{name}_changelist"))

    assert response.context["cl"].result_count == 12
    assert len(many) == len(few)
