"""What one process learns, another process finds: nothing that matters lives in a process's memory.

Each test does something in this process and the same thing again in another Python process over the same Redis
cache (and database), as two workers on two machines would."""

import json
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from tests.shipping.carriers.mondial_relay.conftest import lyon_setup
from tests.shipping.carriers.mondial_relay.fake import FakeMondialRelay
from tests.shipping.carriers.mondial_relay.test_labels import REQUEST

BOOK_IN_ANOTHER_PROCESS = """
import json, sys
import django
django.setup()
from rma.shipping.carriers.base import CarrierSettings
from rma.shipping.carriers.mondial_relay import MondialRelayCarrier
from tests.shipping.carriers.mondial_relay.test_labels import REQUEST

account = json.loads(sys.argv[1])
label = MondialRelayCarrier(CarrierSettings(**account)).create_label(request=REQUEST)
print(label.tracking_number)
"""


def _another_process(script: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def mondial_relay():
    fake = FakeMondialRelay().start()
    lyon_setup(fake)
    try:
        yield fake
    finally:
        fake.stop()


def test_a_label_retried_on_another_worker_reuses_the_expedition_booked_by_the_first(
    mondial_relay, django_process_env
):
    """The booking succeeded and the PDF did not come on worker A; the task's retry runs on worker B."""
    from rma.shipping.carriers.base import CarrierUnavailable

    mondial_relay.fail("label", status=502)
    with pytest.raises(CarrierUnavailable):
        MondialRelayCarrier(mondial_relay.settings()).create_label(request=REQUEST)
    account = mondial_relay.settings()
    fields = {"account": account.account, "credentials": dict(account.credentials), "base_url": account.base_url}
    number = _another_process(BOOK_IN_ANOTHER_PROCESS, json.dumps(fields), env=django_process_env())
    assert number == mondial_relay.number(1)
    assert len(mondial_relay.calls_of("WSI2_CreationEtiquette")) == 1  # one expedition, booked once


GRANTED_IN_ANOTHER_PROCESS = """
import sys
import django
django.setup()
from rma.connectors.models import ShopConnection
from rma.connectors.platforms import connector_for

connector = connector_for(ShopConnection.objects.get(pk=int(sys.argv[1])))
print(connector.order_fetch(order_ref="5501001") is not None)
"""


@pytest.mark.django_db(transaction=True)
def test_a_granted_shopify_token_serves_every_process_and_a_refused_one_is_replaced_for_all(
    django_process_env, shared_cache
):
    from rma.connectors.models import ShopConnection
    from rma.connectors.platforms import connector_for
    from tests.connectors.shopify.conftest import LOCATION
    from tests.connectors.shopify.fake import CLIENT_ID, CLIENT_SECRET, FakeShopify, payload

    shop = FakeShopify().start()
    try:
        shop.add_order(payload("order.json"))
        connection = ShopConnection.objects.create(
            name="maison-lin",
            platform="shopify",
            shop_url=shop.url,
            api_secret=CLIENT_SECRET,
            webhook_secret="key-of-the-notifications-page",
            location_ref=LOCATION,
            options={"client_id": CLIENT_ID},
        )
        assert connector_for(connection).order_fetch(order_ref="5501001") is not None
        assert _another_process(GRANTED_IN_ANOTHER_PROCESS, str(connection.pk), env=django_process_env()) == "True"
        assert len(shop.grants) == 1  # the second process used the token the first was granted

        shop.revoke_granted()
        assert _another_process(GRANTED_IN_ANOTHER_PROCESS, str(connection.pk), env=django_process_env()) == "True"
        assert connector_for(connection).order_fetch(order_ref="5501001") is not None
        assert len(shop.grants) == 2  # asked for again once, by the process Shopify refused; the other took it
    finally:
        shop.stop()


LOOKUPS_IN_ANOTHER_PROCESS = """
import sys
import django
django.setup()
from django.test import Client
from django.urls import reverse

client = Client(REMOTE_ADDR="203.0.113.7", HTTP_HOST="localhost")
answer = client.post(reverse("portal:lookup"), {"order_number": "NOPE-1", "email_or_postcode": "nobody@example.com"})
print(answer.status_code)
"""


WRONG_DETAILS = {"order_number": "NOPE-1", "email_or_postcode": "nobody@example.com"}


@pytest.mark.django_db(transaction=True)
def test_the_portal_lookup_limit_counts_the_attempts_made_on_every_web_process(django_process_env):
    attempts, _window = django_settings.RMA_PORTAL_LOOKUP_RATE
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_HOST="localhost")
    for _attempt in range(attempts):
        response = client.post(reverse("portal:lookup"), WRONG_DETAILS)
        assert response.status_code == 200
    assert _another_process(LOOKUPS_IN_ANOTHER_PROCESS, env=django_process_env()) == "429"
