"""Admin → Shop connections: check that a shop answers with its credentials, and read its orders in the background."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.orders.models import Order
from tests.connectors.woocommerce.conftest import order_payload
from tests.helpers import english_pages  # noqa: F401 - autouse: the admin in English

pytestmark = pytest.mark.django_db


def shop_time(ago: timedelta) -> str:
    return (timezone.now() - ago).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def run_action(admin_client, action, connection):
    return admin_client.post(
        reverse("admin:connectors_shopconnection_changelist"),
        {"action": action, "_selected_action": [connection.pk]},
        follow=True,
    ).content.decode()


def test_the_check_says_whether_the_shop_answers_with_these_credentials(admin_client, connection, woo):
    woo.add_order(order_payload(date_modified_gmt=shop_time(timedelta(minutes=10))))

    page = run_action(admin_client, "answers_check", connection)
    assert "Shop woo-eu answers: 1 order(s) changed in the last hour." in page

    connection.api_secret = "cs_wrong"
    connection.save()
    page = run_action(admin_client, "answers_check", connection)
    assert "Shop woo-eu does not answer as it should:" in page
    assert "401" in page
    assert "cs_wrong" not in page


def test_the_sync_action_reads_the_shops_orders_in_the_background(
    admin_client, connection, woo, django_capture_on_commit_callbacks
):
    woo.add_order(order_payload(date_modified_gmt=shop_time(timedelta(days=1))))

    with django_capture_on_commit_callbacks(execute=True):
        page = run_action(admin_client, "sync", connection)

    assert "Sync started for: woo-eu." in page
    assert Order.objects.filter(external_id="woo-eu:727").exists()
