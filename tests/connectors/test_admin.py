"""Admin → Shop connections: secrets go in and are never shown back; failed webhooks can be processed again."""

import pytest
from django.urls import reverse

from rma.connectors.choices import InboxStatus
from rma.connectors.models import InboxDelivery, ShopConnection
from tests.helpers import english_pages  # noqa: F401 - autouse: the admin in English

pytestmark = pytest.mark.django_db

SECRET = "shpss_4f1c0ffee0ddba11"


@pytest.fixture
def connection():
    return ShopConnection.objects.create(
        name="eu-shop",
        platform="shopify",
        shop_url="https://eu.myshopify.com",
        api_key="shpat_a1",
        webhook_secret=SECRET,
    )


def form_data(connection, **changes):
    data = {
        "name": connection.name,
        "platform": connection.platform,
        "shop_url": connection.shop_url,
        "enabled": "on",
        "channel": connection.channel,
        "order_number_prefix": "",
        "api_key": "",
        "api_secret": "",
        "webhook_secret": "",
        "secrets_env_prefix": connection.secrets_env_prefix,
        "api_version": "",
        "default_warehouse": "",
        "location_ref": "",
        "options": "{}",
    }
    data.update(changes)
    return data


def test_the_change_page_never_shows_a_secret_and_an_empty_field_keeps_it(admin_client, connection):
    url = reverse("admin:connectors_shopconnection_change", args=[connection.pk])
    page = admin_client.get(url).content.decode()
    assert SECRET not in page
    assert "shpat_a1" not in page
    assert "webhook_secret: stored" in page
    assert f"/webhooks/shops/{connection.public_id}/" in page

    response = admin_client.post(url, form_data(connection, api_key="shpat_new"))

    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.webhook_secret, connection.api_key) == (SECRET, "shpat_new")


def test_secrets_from_the_environment_win_and_are_named_as_such(admin_client, connection, monkeypatch):
    monkeypatch.setenv("RMA_SHOP_EU_WEBHOOK_SECRET", "from-env")
    connection.secrets_env_prefix = "RMA_SHOP_EU"
    connection.save()

    assert connection.credential("webhook_secret") == "from-env"
    assert connection.credential("api_key") == "shpat_a1"  # not in the environment: the stored one
    page = admin_client.get(reverse("admin:connectors_shopconnection_change", args=[connection.pk])).content.decode()
    assert "webhook_secret: environment" in page
    assert "from-env" not in page


def test_failed_webhooks_are_handed_to_the_worker_again_from_the_admin(admin_client, connection):
    failed = InboxDelivery.objects.create(
        connection=connection, delivery_id="d-1", topic="orders/create", body="{", status=InboxStatus.FAILED, error="x"
    )
    done = InboxDelivery.objects.create(
        connection=connection, delivery_id="d-2", topic="orders/create", body="{}", status=InboxStatus.PROCESSED
    )

    response = admin_client.post(
        reverse("admin:connectors_inboxdelivery_changelist"),
        {"action": "reprocess", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )

    assert "1 webhook handed to the worker again." in response.content.decode()
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (InboxStatus.PENDING, 0, "")
    assert done.status == InboxStatus.PROCESSED
