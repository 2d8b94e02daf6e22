"""A customer on the block list cannot start a return in the portal: once the order is found, they are told, politely
and in their language, to contact customer service (nothing about a list), and no step of a return opens."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from rma.portal.lookup import SELF_SERVICE_REFUSED
from rma.portal.session import SESSION_KEY
from rma.returns.choices import ReturnStatus
from rma.returns.customer_lists import customer_list_entry_create
from rma.returns.models import ReturnRequest
from tests.portal.helpers import choose_items, confirm, lookup, text, through_drop_off
from tests.portal.world import EMAIL, POSTCODE

pytestmark = pytest.mark.django_db


def put_on_list(match, value, *, kind="block", expires_at=None):
    return customer_list_entry_create(
        kind=kind, match=match, value=value, reason="Chargebacks on three orders", expires_at=expires_at, actor=None
    )


def refused_message(language: str) -> str:
    with translation.override(language):
        return str(SELF_SERVICE_REFUSED)


def assert_refused(client, response, language: str):
    assert response.status_code == 200
    body = text(response)
    assert refused_message(language) in body
    for hint in ("block", "bloqu", "list", "Chargebacks"):
        assert hint not in body.split("data-self-service-refused")[1].split("</p>")[0]
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")


@pytest.mark.parametrize(
    ("match", "typed"),
    [("email", "Chloe.Martin@Example.fr"), ("address", "8, rue des Lilas – 69003 Lyon")],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_blocked_customer_finds_their_order_and_is_sent_to_customer_service(world, match, typed, language):
    put_on_list(match, typed)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)

    for secret in (EMAIL, POSTCODE):
        assert_refused(client, lookup(client, secret=secret), language)
    assert not ReturnRequest.objects.exists()


def test_the_refusal_reads_in_the_customer_s_language(world):
    put_on_list("email", EMAIL)
    english = text(lookup(Client(HTTP_ACCEPT_LANGUAGE="en")))
    french = text(lookup(Client(HTTP_ACCEPT_LANGUAGE="fr")))
    assert "Please contact our customer service" in english
    assert '<html lang="en"' in english
    assert '<html lang="fr"' in french
    assert refused_message("fr") in french


def test_a_block_by_phone_refuses_whatever_email_the_order_has(world):
    world.order.customer_phone = "+33 6 12 34 56 78"
    world.order.save(update_fields=["customer_phone"])
    put_on_list("phone", "06 12 34 56 78")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert_refused(client, lookup(client), "en")


def test_a_return_started_before_the_block_goes_no_further_after_a_new_lookup(client, world):
    assert lookup(client).status_code == 302
    put_on_list("email", EMAIL)
    assert lookup(client).status_code == 200
    response = choose_items(client, {world.shirt.pk: 1})
    assert response["Location"] == reverse("portal:lookup")


def test_an_expired_block_or_an_allow_entry_lets_the_customer_in(client, world):
    put_on_list("email", EMAIL, expires_at=timezone.now() - timedelta(seconds=1))
    put_on_list("address", "8 rue des Lilas 69003", kind="allow")
    assert lookup(client).status_code == 302
    assert SESSION_KEY in client.session


def test_a_wrong_secret_still_gets_the_generic_message_not_the_refusal(world):
    put_on_list("email", EMAIL)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = text(lookup(client, secret="someone.else@example.fr"))
    assert "We could not find an order with these details." in body
    assert refused_message("en") not in body


def test_a_return_confirmed_by_a_customer_blocked_on_the_way_waits_for_an_agent_and_they_are_not_told_why(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert through_drop_off(client, world).status_code == 302
    put_on_list("email", EMAIL)

    response = confirm(client)

    return_request = ReturnRequest.objects.get()
    assert response["Location"] == reverse("portal:confirmation", kwargs={"public_id": return_request.public_id})
    assert return_request.status == ReturnStatus.NEEDS_REVIEW
    assert return_request.review_reason == "Customer on the block list: Chargebacks on three orders"
    for page in (
        client.get(response["Location"]),
        client.get(reverse("portal:tracking", args=(return_request.public_id,))),
    ):
        assert page.status_code == 200
        body = text(page)
        assert "block list" not in body
        assert "Chargebacks" not in body
