"""The customer's order lookup matches the number in any case, and does it through the UPPER(number) index."""

import pytest

from rma.orders.selectors import order_get_for_customer, order_qs_by_number
from tests.orders.factories import OrderFactory
from tests.plans import plan_without_seq_scan

pytestmark = pytest.mark.django_db


def test_the_number_matches_in_any_case_and_with_spaces_around():
    order = OrderFactory(number="Ml-100042", customer_email="chloe@example.fr")
    OrderFactory(number="ML-100043")
    assert order_get_for_customer(number="  mL-100042 ", email_or_postcode="Chloe@Example.fr") == order
    assert order_get_for_customer(number="ML-10004", email_or_postcode="chloe@example.fr") is None
    assert list(order_qs_by_number(number="ml-100043")) == [OrderFactory._meta.model.objects.get(number="ML-100043")]


def test_the_lookup_uses_the_upper_number_index_on_postgresql(postgres_only):
    OrderFactory(number="ML-100042")
    plan = plan_without_seq_scan(order_qs_by_number(number="ml-100042"))
    assert "orders_order_number_upper" in plan, plan
