"""The customer gets the store credit's code by email (in their language); the shop gets a signed webhook."""

from decimal import Decimal

import pytest
from django.core import mail

from rma.notifications.models import OutboxMessage
from rma.notifications.services import DeliveryOutcome, outbox_message_deliver
from rma.returns.choices import ReturnStatus as S
from rma.returns.models import ReturnPolicy
from rma.warehouse.models import StoreCredit
from tests.notifications.fixtures import WEBHOOK_SECRET, receiver  # noqa: F401 - fixture
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(policy, make_return):
    """Hand over a store-credit return worth 50.00 in `locale` under a policy with a 10 % bonus; its credit."""

    def make(*, locale="en", days=30):
        ReturnPolicy.objects.filter(pk=policy.pk).update(
            store_credit_moment="handover",
            store_credit_bonus_percent=Decimal("10"),
            store_credit_validity_days=days,
        )
        line = OrderLineFactory(quantity=2, unit_price=Decimal("25.00"))
        make_return(order_line=line, quantity=2, status=S.IN_TRANSIT, resolution="store_credit", locale=locale)
        return StoreCredit.objects.select_related("return_request").get()

    return make


def deliver_email(credit):
    message = OutboxMessage.objects.get(topic="store_credit_issued")
    mail.outbox.clear()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    [email] = mail.outbox
    return message, email


def test_the_customer_gets_the_code_by_email_in_english(issue):
    credit = issue(locale="en")

    message, email = deliver_email(credit)

    return_request = credit.return_request
    assert email.to == [return_request.contact_email]
    assert email.subject == f"Your store credit for return {return_request.rma_number}"
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert credit.code in body
        assert "€55.00" in body
        assert "€5.00, +10%" in body
        assert "Valid until" in body
        assert f"/r/{return_request.public_id}/" in body
    assert "is on its way: your store credit is ready to use now" in email.body
    assert message.dedupe_key == f"store_credit:{credit.public_id}:customer-email"


def test_the_customer_gets_the_code_by_email_in_french_without_expiry(issue):
    credit = issue(locale="fr", days=None)

    _message, email = deliver_email(credit)

    assert email.subject == f"Votre avoir pour le retour {credit.return_request.rma_number}"
    assert f"Code\u00a0: {credit.code}" in email.body
    assert "Montant\u00a0: 55,00\u00a0€ (dont un bonus de 5,00\u00a0€, +10\u00a0%)" in email.body
    assert "Il n’expire pas." in email.body


def test_the_shop_gets_a_signed_store_credit_issued_webhook(issue, settings, receiver):  # noqa: F811
    settings.RMA_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.RMA_SHOP_WEBHOOK_URL = receiver.url("/hooks/shop")
    credit = issue()
    message = OutboxMessage.objects.get(topic="store_credit.issued")
    assert message.destination == receiver.url("/hooks/shop")

    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED

    [hit] = receiver.hits
    assert (hit.topic, hit.signature_valid, hit.delivery_id) == ("store_credit.issued", True, str(message.delivery_id))
    return_request = credit.return_request
    # The body carries the delivery's id too (signed, stable across attempts): the shop dedupes on it.
    assert hit.payload == {
        "delivery_id": str(message.delivery_id),
        "idempotency_key": f"store_credit:{credit.public_id}",
        "return": {
            "public_id": str(return_request.public_id),
            "rma_number": return_request.rma_number,
            "order_external_id": return_request.order.external_id,
            "order_number": return_request.order.number,
        },
        "store_credit": {
            "public_id": str(credit.public_id),
            "code": credit.code,
            "amount": "55.00",
            "bonus_percent": "10.00",
            "bonus_amount": "5.00",
            "balance": "55.00",
            "currency": "EUR",
            "expires_at": credit.expires_at.isoformat(),
            "issued_at": credit.created_at.isoformat(),
            "moment": "handover",
        },
    }


def test_without_a_shop_url_the_webhook_waits_for_one(issue, settings):
    settings.RMA_SHOP_WEBHOOK_URL = ""
    issue()
    assert OutboxMessage.objects.get(topic="store_credit.issued").destination == "shop"


def test_after_a_handover_credit_the_refund_email_says_the_credit_settles_it(issue, warehouse, operator):
    from rma.warehouse.services import arrival_register, refund_release
    from tests.warehouse.test_refunds import inspect_all

    credit = issue(locale="en")
    return_request = credit.return_request
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_request.refresh_from_db()
    inspect_all(return_request, operator, ["A", "A"])
    refund_release(return_request=return_request, actor=operator)

    message = OutboxMessage.objects.get(topic="refund_released")
    mail.outbox.clear()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    [email] = mail.outbox
    assert "The store credit we sent you when you handed over the parcel settles it" in email.body
    assert credit.code in email.body
    assert "released your refund" not in email.body
