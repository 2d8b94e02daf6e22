"""The confirmation page of a return answers to the browser that made it, even after it looked up another order."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from rma.portal.session import RETURNS_KEPT, portal_return_known, portal_return_remember
from rma.returns.models import ReturnRequest
from tests.orders.factories import OrderLineFactory
from tests.portal.helpers import confirm, lookup, through_drop_off

pytestmark = pytest.mark.django_db


def test_an_earlier_confirmation_still_answers_after_looking_up_another_order(client, world):
    through_drop_off(client, world)
    confirm(client)
    first = ReturnRequest.objects.latest("id")
    url = reverse("portal:confirmation", kwargs={"public_id": first.public_id})
    assert client.get(url).status_code == 200

    OrderLineFactory(order__number="ML200000", order__customer_email="other@example.fr")
    lookup(client, number="ML200000", secret="other@example.fr")
    assert client.get(reverse("portal:items")).status_code == 200

    assert client.get(url).status_code == 200
    assert first.rma_number in client.get(url).content.decode()


def test_the_browser_keeps_only_its_latest_returns():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    ids = [f"return-{n}" for n in range(RETURNS_KEPT + 1)]
    for public_id in ids:
        portal_return_remember(request=request, public_id=public_id)
    assert not portal_return_known(request=request, public_id=ids[0])
    assert all(portal_return_known(request=request, public_id=public_id) for public_id in ids[1:])
