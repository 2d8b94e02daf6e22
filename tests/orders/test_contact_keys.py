"""Each order keeps its phone and delivery address as they are compared (a customer's history finds their orders
across emails through them): written by the order upsert and the admin, and filled for existing orders by the
migration."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from rma.orders.models import Order
from rma.orders.services import order_upsert
from tests.core.admin_support import change_form_data, policy  # noqa: F401 - fixture
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "external_id": "shop-2001",
    "number": "ML-2001",
    "customer_email": "chloe@example.fr",
    "customer_phone": "+33 (0)6 12 34 56 78",
    "placed_at": "2026-11-01T10:00:00+01:00",
    "address": {"address_line1": "12, Rue de l'Église", "postcode": "75 002", "city": "Paris"},
    "lines": [{"external_id": "1", "sku": "CHM-1", "name": "Chemise", "quantity": 1, "unit_price": "49.90"}],
}


def test_the_order_upsert_writes_the_keys_and_keeps_them_up_to_date():
    order = order_upsert(data=PAYLOAD).order

    assert (order.phone_key, order.address_key) == ("33612345678", "12 rue de l eglise 75002")

    moved = {**PAYLOAD, "customer_phone": "", "address": {"address_line1": "Damrak 1", "postcode": "1012 AB"}}
    order = order_upsert(data=moved).order
    order.refresh_from_db()
    assert (order.phone_key, order.address_key) == ("", "damrak 1 1012ab")


def test_the_admin_writes_the_keys_when_the_phone_or_address_is_edited(admin_client):
    order = OrderLineFactory().order
    url = reverse("admin:orders_order_change", args=(order.pk,))
    data = change_form_data(admin_client.get(url))
    data["customer_phone"] = "06 98 76 54 32"
    data["address_line1"] = "3 avenue Foch"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.phone_key, order.address_key) == ("33698765432", "3 avenue foch 69003")


def test_the_migration_fills_the_keys_of_existing_orders():
    orders = [OrderFactory(customer_phone="06 12 34 56 78"), OrderFactory(address_line1="", postcode="")]
    Order.objects.update(phone_key="", address_key="")  # as they were before the migration
    backfill = importlib.import_module("rma.orders.migrations.0009_order_contact_keys_backfill")

    backfill.order_contact_keys_fill(apps, SimpleNamespace(connection=connection))

    keys = dict(Order.objects.values_list("pk", "phone_key"))
    addresses = dict(Order.objects.values_list("pk", "address_key"))
    assert keys == {orders[0].pk: "33612345678", orders[1].pk: ""}
    assert addresses == {orders[0].pk: orders[0].address_key, orders[1].pk: ""}
    assert orders[0].address_key.endswith(" rue des lilas 69003")
