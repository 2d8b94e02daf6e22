"""What the customer and the warehouse receive: the counter email and the advance shipping notice, rendered."""

import json

import pytest
from django.core import mail

from rma.notifications.choices import OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open
from rma.store.services.counter import CounterLineCheck, counter_return_check

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("locale", "subject"), [("fr", "a été déposé en boutique"), ("en", "was handed in at the shop")]
)
def test_the_customer_gets_an_email_in_their_language(
    make_return, store, clerk, django_capture_on_commit_callbacks, locale, subject
):
    return_request = make_return()
    return_request.locale = locale
    return_request.save(update_fields=["locale"])
    with django_capture_on_commit_callbacks(execute=True):
        counter_return_check(
            return_request=return_request,
            store=store,
            actor=clerk,
            checks=[
                CounterLineCheck(return_line_id=line.pk, condition="good", accepted=True)
                for line in return_request.lines.all()
            ],
        )
    message = OutboxMessage.objects.get(topic="store_counter_receipt")
    assert message.status == OutboxStatus.DELIVERED
    sent = [m for m in mail.outbox if m.to == [return_request.contact_email]]
    sent = [m for m in sent if return_request.rma_number in m.subject]
    assert any(subject in m.subject for m in sent), [m.subject for m in sent]
    assert "Boutique Rivoli" in sent[-1].body


def test_the_warehouse_gets_a_signed_webhook_and_an_email_when_the_shipment_closes(
    store, clerk, django_capture_on_commit_callbacks, webhook_posts
):
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-5", quantity=5, kind="damaged", actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        shipment_close(shipment=shipment, actor=clerk)
    hook = next(p for p in webhook_posts if p["url"] == "https://wms.example.com/hooks/asn")
    body = json.loads(hook["body"])
    assert shipment.number in json.dumps(body)
    assert "SKU-5" in json.dumps(body)
    assert any("signature" in name.lower() for name in hook["headers"])
    email = next(m for m in mail.outbox if m.to == ["quai@example.com"])
    assert shipment.number in email.subject
    assert "SKU-5" in email.body
    assert set(OutboxMessage.objects.filter(topic="shipment.closed").values_list("status", flat=True)) == {
        OutboxStatus.DELIVERED
    }
