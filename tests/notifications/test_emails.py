"""The emails as customers and warehouses receive them: French and English, HTML and plain text."""

import pytest
from django.core import mail
from django.utils import translation

from rma.core.formatting import long_date
from rma.notifications.emails import email_language, email_render
from rma.notifications.models import OutboxMessage
from rma.notifications.services import DeliveryOutcome, outbox_message_deliver
from rma.returns.choices import ReturnStatus as S
from rma.returns.services import return_request_transition
from rma.shipping.models import Label
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

SUBJECTS = {
    "fr": {
        "return_approved": "Nous avons bien votre retour {rma}",
        "label_ready": "Votre étiquette de retour {rma} est prête",
        "parcel_received": "Nous avons reçu votre retour {rma}",
        "refund_released": "Votre remboursement pour le retour {rma}",
    },
    "en": {
        "return_approved": "We have your return {rma}",
        "label_ready": "Your return label for {rma} is ready",
        "parcel_received": "We have received your return {rma}",
        "refund_released": "Your refund for return {rma}",
    },
}
# The warehouse reads the site's language (French), whatever the customer's.
WAREHOUSE_SUBJECTS = {
    "return.approved": "Retour annoncé vers WH-IDF\u00a0: {rma}",
    "return.in_transit": "Retour en route vers WH-IDF\u00a0: {rma}",
}


@pytest.fixture
def sent_emails(make_return, warehouse):
    """Every email of a return's whole life, delivered through the outbox, by (topic, event)."""

    def run(locale: str):
        order = OrderFactory(customer_name="Zoé & <Co>")
        return_request = make_return(order_line=OrderLineFactory(order=order), locale=locale)
        Label.objects.filter(return_request=return_request).update(status="ready", tracking_number="6A10000000017")
        for status in (S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED):
            return_request_transition(return_request=return_request, to=status)
        messages = OutboxMessage.objects.filter(channel="email").order_by("id")
        for message in messages:
            assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
        sent = {}
        for message, email in zip(messages, mail.outbox, strict=True):
            sent[(message.topic, message.payload.get("event"))] = (message, email)
        return return_request, sent

    return run


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_email_has_a_localised_subject_text_and_html(sent_emails, language):
    return_request, sent = sent_emails(language)
    rma = return_request.rma_number
    assert set(sent) == {
        ("return_approved", "return.approved"),
        ("label_ready", "return.label_ready"),
        ("parcel_received", "return.received"),
        ("refund_released", "return.refunded"),
        ("warehouse_advance_notice", "return.approved"),
        ("warehouse_advance_notice", "return.in_transit"),
    }
    for (topic, event), (message, email) in sent.items():
        for_warehouse = topic == "warehouse_advance_notice"
        subject = WAREHOUSE_SUBJECTS[event] if for_warehouse else SUBJECTS[language][topic]
        assert email.subject == subject.format(rma=rma)
        [(html, mimetype)] = email.alternatives
        assert mimetype == "text/html"
        assert f'<html lang="{"fr" if for_warehouse else language}">' in html
        for part in (email.body, html):
            assert rma in part
            assert "{{" not in part
            assert "{%" not in part
            assert "None" not in part
        assert "<" not in email.body.replace("<Co>", "")  # plain text: no markup, names as they are
        assert email.extra_headers["Message-ID"] == f"<{message.delivery_id}@127.0.0.1>"
        assert email.extra_headers["X-RMA-Delivery"] == str(message.delivery_id)
        assert email.extra_headers["X-RMA-Topic"] == topic
        assert email.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize(
    ("language", "send_by_words", "refund_words"),
    [
        ("fr", "À envoyer au plus tard le {date}.", "remboursement de 49,90\u00a0€ sur votre moyen de paiement"),
        ("en", "Please send it by {date}.", "refund of €49.90 to your original payment method"),
    ],
)
def test_customer_emails_speak_the_customers_language(sent_emails, language, send_by_words, refund_words):
    return_request, sent = sent_emails(language)
    with translation.override(language):
        deadline = long_date(return_request.send_by)
    _, approved = sent[("return_approved", "return.approved")]
    assert send_by_words.format(date=deadline) in approved.body
    assert f"/r/{return_request.public_id}/" in approved.body
    _, label = sent[("label_ready", "return.label_ready")]
    assert f"http://127.0.0.1:8000/r/{return_request.public_id}/label.pdf" in label.body
    assert f'href="http://127.0.0.1:8000/r/{return_request.public_id}/label.pdf"' in label.alternatives[0][0]
    assert "6A10000000017" in label.body
    _, refund = sent[("refund_released", "return.refunded")]
    assert refund_words in refund.body
    # Names are escaped in HTML, left as they are in plain text.
    assert "Zoé & <Co>" in approved.body
    assert "Zoé &amp; &lt;Co&gt;" in approved.alternatives[0][0]


def test_the_warehouse_notice_lists_skus_quantities_and_reasons(sent_emails):
    return_request, sent = sent_emails("en")
    _, notice = sent[("warehouse_advance_notice", "return.in_transit")]
    line = return_request.lines.get()
    assert f"- {line.order_line.sku}  Chemise en lin × 1  (motif\u00a0: too-small)" in notice.body
    assert "Numéro de suivi\u00a0: 6A10000000017" in notice.body
    assert line.order_line.sku in notice.alternatives[0][0]
    # An English-speaking site gets the English notice.
    message, _ = sent[("warehouse_advance_notice", "return.in_transit")]
    english = email_render(topic=message.topic, locale="en", payload=message.payload)
    assert english.subject == f"Return on its way to WH-IDF: {return_request.rma_number}"
    assert f"- {line.order_line.sku}  Chemise en lin × 1  (reason: too-small)" in english.text


def test_a_returnless_approval_says_to_keep_the_items():
    rendered = email_render(
        topic="return_approved",
        locale="en",
        payload={
            "rma_number": "R-1",
            "order_number": "ML1",
            "lines": [],
            "returnless": True,
            "refund_estimate": "12.50",
            "currency": "EUR",
            "tracking_url": "http://x/r/1/",
        },
    )
    assert rendered.subject == "Your return R-1 is accepted: keep your items"
    assert "There is nothing to send back: keep the items. Your refund of €12.50" in rendered.text
    assert "Next steps" not in rendered.text


@pytest.mark.parametrize(
    ("locale", "language"), [("fr", "fr"), ("fr-FR", "fr"), ("en", "en"), ("en_GB", "en"), ("de", "fr"), ("", "fr")]
)
def test_unsupported_languages_fall_back_to_french(locale, language):
    assert email_language(locale) == language
