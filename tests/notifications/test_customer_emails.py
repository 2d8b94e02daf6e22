"""The customer is told at each step that matters to them: one email per step, in their language, never two."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from rma.core.formatting import long_date
from rma.notifications.choices import OutboxStatus
from rma.notifications.emails import email_render
from rma.notifications.models import OutboxMessage
from rma.notifications.services import DeliveryOutcome, outbox_message_deliver
from rma.returns.choices import ReturnStatus as S
from rma.returns.drop_offs import DropOffChoice
from rma.returns.messages import return_messages_write
from rma.returns.models import ReturnRequest
from rma.returns.services import (
    return_request_cancel,
    return_request_reject,
    return_request_submit,
    return_request_transition,
    return_requests_expire,
)
from rma.shipping.models import Label
from rma.store.services.counter import CounterLineCheck, counter_return_check
from rma.warehouse.models import ExchangeRequest
from rma.warehouse.services import arrival_register
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory, StoreFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"
REJECTION_NOTE = "The photos show the shirt was worn & washed <twice>."


def _customer_emails(return_request: ReturnRequest) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(channel="email", destination=return_request.contact_email).order_by("id"))


def _walk(return_request: ReturnRequest, *statuses: str) -> None:
    for status in statuses:
        return_request_transition(return_request=return_request, to=status)


def _to_inspected(return_request: ReturnRequest) -> None:
    Label.objects.filter(return_request=return_request).update(status="ready", tracking_number="6A10000000017")
    _walk(return_request, S.LABEL_READY, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED)


# ---- How each step is reached, by the services the app uses. Each returns (return, status, move).


@pytest.fixture
def steps(make_return, policy):
    def under_review():
        policy.auto_approve = False
        policy.save(update_fields=["auto_approve"])
        return_request = make_return(submit=False, locale="en")
        return return_request, S.NEEDS_REVIEW, lambda: return_request_submit(return_request=return_request)

    def rejected():
        return_request, _, move = under_review()
        move()
        agent = UserFactory(roles=["agent"])
        return (
            return_request,
            S.REJECTED,
            lambda: return_request_reject(return_request=return_request, actor=agent, note=REJECTION_NOTE),
        )

    def cancelled():
        return_request = make_return(locale="en")
        Label.objects.filter(return_request=return_request).update(status="ready", tracking_number="6A10000000025")
        _walk(return_request, S.LABEL_READY)
        return return_request, S.CANCELLED, lambda: return_request_cancel(return_request=return_request)

    def expired():
        return_request = make_return(locale="en")
        ReturnRequest.objects.filter(pk=return_request.pk).update(send_by=timezone.now() - timedelta(hours=1))
        return return_request, S.EXPIRED, lambda: return_requests_expire()

    def in_transit():
        return_request = make_return(locale="en")
        Label.objects.filter(return_request=return_request).update(status="ready", tracking_number="6A10000000033")
        _walk(return_request, S.LABEL_READY)
        return return_request, S.IN_TRANSIT, lambda: _walk(return_request, S.IN_TRANSIT)

    def exchanged():
        order_line = OrderLineFactory(sku="CHEM-LIN-M", product_ref="CHEM-LIN", quantity=2)
        OrderLineFactory(sku="CHEM-LIN-L", product_ref="CHEM-LIN")  # the size wanted, known to the shop
        return_request = make_return(
            order_line=order_line, quantity=2, resolution="exchange", exchange_sku="CHEM-LIN-L", locale="en"
        )
        _to_inspected(return_request)
        return return_request, S.EXCHANGED, lambda: _walk(return_request, S.EXCHANGED)

    def closed():
        return_request = make_return(locale="en")
        _to_inspected(return_request)
        return return_request, S.CLOSED, lambda: _walk(return_request, S.CLOSED)

    return {
        S.NEEDS_REVIEW: under_review,
        S.REJECTED: rejected,
        S.CANCELLED: cancelled,
        S.EXPIRED: expired,
        S.IN_TRANSIT: in_transit,
        S.EXCHANGED: exchanged,
        S.CLOSED: closed,
    }


TOPICS = {
    S.NEEDS_REVIEW: "return_under_review",
    S.REJECTED: "return_rejected",
    S.CANCELLED: "return_cancelled",
    S.EXPIRED: "return_expired",
    S.IN_TRANSIT: "parcel_in_transit",
    S.EXCHANGED: "exchange_shipped",
    S.CLOSED: "return_closed",
}
SUBJECTS = {
    "return_under_review": (
        "Nous examinons votre demande de retour {rma}",
        "We are looking at your return request {rma}",
    ),
    "return_rejected": (
        "Votre demande de retour {rma} n’est pas acceptée",
        "Your return request {rma} was not accepted",
    ),
    "return_cancelled": ("Votre retour {rma} est annulé", "Your return {rma} is cancelled"),
    "return_expired": ("Votre retour {rma} a expiré", "Your return {rma} has expired"),
    "parcel_in_transit": ("Votre retour {rma} est en route", "Your return {rma} is on its way"),
    "exchange_shipped": (
        "Votre échange pour le retour {rma} est en route",
        "Your exchange for return {rma} is on its way",
    ),
    "return_closed": (
        "Votre retour {rma} est clos sans remboursement",
        "Your return {rma} is closed without a refund",
    ),
}
# What each email must say, in French then English.
KEY_WORDS = {
    "return_under_review": ("Un membre de notre équipe l’examine", "A member of our team is looking at it"),
    "return_rejected": (f"Motif\u00a0: {REJECTION_NOTE}", f"Reason: {REJECTION_NOTE}"),
    "return_cancelled": (
        "Ces articles peuvent de nouveau être retournés tant que le délai de retour court",
        "These items can be returned again while the return window is open",
    ),
    "return_expired": ("n’a pas été envoyé à temps", "was not sent in time"),
    "parcel_in_transit": ("est en route vers notre entrepôt", "is on its way to our warehouse"),
    "exchange_shipped": (
        "réf. CHEM-LIN-L × 2 (à la place de la réf. CHEM-LIN-M)",
        "SKU CHEM-LIN-L × 2 (instead of SKU CHEM-LIN-M)",
    ),
    "return_closed": ("Aucun n’a pu être accepté", "We could not accept any of them"),
}


@pytest.mark.parametrize("status", list(TOPICS))
def test_each_step_writes_exactly_one_customer_email_in_the_customers_language(steps, status):
    return_request, expected_status, move = steps[status]()
    assert expected_status == status
    before = {m.pk for m in _customer_emails(return_request)}
    move()
    return_request.refresh_from_db()
    assert return_request.status == status
    written = [m for m in _customer_emails(return_request) if m.pk not in before]
    assert len(written) == 1, [m.topic for m in written]
    [message] = written
    assert (message.channel, message.topic, message.destination, message.locale) == (
        "email",
        TOPICS[status],
        return_request.contact_email,
        "en",
    )
    assert message.dedupe_key == f"return:{return_request.public_id}:{status}:customer-email"
    assert message.payload["tracking_url"] == f"{BASE}/r/{return_request.public_id}/"
    # The same transition written again (a replay, a retry) adds nothing.
    return_messages_write(return_request=return_request, to_status=status)
    assert [m.pk for m in _customer_emails(return_request) if m.pk not in before] == [message.pk]


@pytest.mark.parametrize("status", list(TOPICS))
def test_each_new_email_renders_in_french_and_english_with_text_and_html(steps, status):
    return_request, _, move = steps[status]()
    move()
    message = OutboxMessage.objects.get(dedupe_key=f"return:{return_request.public_id}:{status}:customer-email")
    rma = return_request.rma_number
    for index, language in enumerate(("fr", "en")):
        rendered = email_render(topic=message.topic, locale=language, payload=message.payload)
        assert rendered.subject == SUBJECTS[message.topic][index].format(rma=rma)
        assert f'<html lang="{language}">' in rendered.html
        assert KEY_WORDS[message.topic][index] in rendered.text
        for part in (rendered.text, rendered.html):
            assert rma in part
            assert f"/r/{return_request.public_id}/" in part
            assert "{{" not in part
            assert "{%" not in part
            assert "None" not in part
        assert "<" not in rendered.text.replace("<twice>", "")  # plain text: no markup


@pytest.mark.parametrize("status", list(TOPICS))
def test_each_new_email_is_delivered_with_both_parts(steps, status):
    return_request, _, move = steps[status]()
    move()
    message = OutboxMessage.objects.get(dedupe_key=f"return:{return_request.public_id}:{status}:customer-email")
    mail.outbox.clear()
    assert outbox_message_deliver(message_id=message.pk) == DeliveryOutcome.DELIVERED
    [email] = mail.outbox
    assert email.to == [return_request.contact_email]
    assert email.subject == SUBJECTS[message.topic][1].format(rma=return_request.rma_number)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert return_request.rma_number in email.body
    assert return_request.rma_number in html
    assert email.extra_headers["X-RMA-Delivery"] == str(message.delivery_id)


@pytest.mark.parametrize(("language", "label"), [("fr", "Motif\u00a0:"), ("en", "Reason:")])
def test_the_rejection_email_gives_the_agents_note(steps, language, label):
    return_request, _, move = steps[S.REJECTED]()
    move()
    message = OutboxMessage.objects.get(topic="return_rejected")
    assert message.payload["rejection_reason"] == REJECTION_NOTE
    rendered = email_render(topic=message.topic, locale=language, payload=message.payload)
    assert f"{label} {REJECTION_NOTE}" in rendered.text  # plain text: as written
    assert "worn &amp; washed &lt;twice&gt;." in rendered.html  # HTML: escaped
    assert "<twice>" not in rendered.html


def test_the_cancellation_says_the_label_no_longer_works_and_links_to_a_new_return(steps):
    return_request, _, move = steps[S.CANCELLED]()
    move()
    message = OutboxMessage.objects.get(topic="return_cancelled")
    assert (message.payload["label_voided"], message.payload["portal_url"]) == (True, f"{BASE}/")
    rendered = email_render(topic=message.topic, locale="en", payload=message.payload)
    assert "The return label we sent you is no longer valid" in rendered.text
    assert f'href="{BASE}/"' in rendered.html


def test_the_expiry_email_gives_the_deadline_that_was_missed(steps):
    return_request, _, move = steps[S.EXPIRED]()
    move()
    message = OutboxMessage.objects.get(topic="return_expired")
    rendered = email_render(topic=message.topic, locale="en", payload=message.payload)
    with translation.override("en"):
        deadline = long_date(ReturnRequest.objects.get(pk=return_request.pk).send_by)
    assert f"it was due to leave by {deadline}." in rendered.text


def test_the_exchange_email_lists_only_what_the_warehouse_accepted(make_return):
    order_line = OrderLineFactory(sku="CHEM-LIN-M", product_ref="CHEM-LIN", quantity=3)
    OrderLineFactory(sku="CHEM-LIN-L", product_ref="CHEM-LIN")  # the size wanted, known to the shop
    return_request = make_return(order_line=order_line, quantity=3, resolution="exchange", exchange_sku="CHEM-LIN-L")
    _to_inspected(return_request)
    ExchangeRequest.objects.create(
        return_request=return_request,
        lines=[{"sku": "CHEM-LIN-L", "quantity": 2, "replaces_sku": "CHEM-LIN-M"}],  # one unit came back unusable
        idempotency_key=f"exchange:{return_request.public_id}",
        requested_at=timezone.now(),
    )
    _walk(return_request, S.EXCHANGED)
    message = OutboxMessage.objects.get(topic="exchange_shipped")
    assert message.payload["exchange_lines"] == [
        {"sku": "CHEM-LIN-L", "quantity": 2, "replaces_sku": "CHEM-LIN-M", "name": "Chemise en lin"}
    ]
    rendered = email_render(topic=message.topic, locale="fr", payload=message.payload)
    assert "- Chemise en lin, réf. CHEM-LIN-L × 2 (à la place de la réf. CHEM-LIN-M)" in rendered.text
    assert "<td>CHEM-LIN-L</td>" in rendered.html


# ---- Steps that say nothing new


def test_a_close_after_a_refund_sends_nothing_more(make_return):
    return_request = make_return()
    _to_inspected(return_request)
    _walk(return_request, S.REFUNDED)
    before = {m.topic for m in _customer_emails(return_request)}
    _walk(return_request, S.CLOSED)
    assert {m.topic for m in _customer_emails(return_request)} == before
    assert "return_closed" not in before


def test_cancelling_a_draft_sends_nothing(make_return):
    return_request = make_return(submit=False)
    return_request_cancel(return_request=return_request)
    assert _customer_emails(return_request) == []


# ---- Shop counter: its receipt is the customer's only email for the hand-in


@pytest.fixture
def shop(warehouse):
    store = StoreFactory(code="PAR01", name="Boutique Rivoli", default_warehouse=warehouse)
    DropOffPointFactory(kind="store", carrier="shop", carrier_point_id="PAR01", name="Boutique Rivoli", store=store)
    return store


@pytest.fixture
def clerk(shop):
    user = UserFactory(roles=["store_staff"])
    shop.staff.add(user)
    return user


def _counter(return_request, shop, clerk, *, accepted: bool):
    return counter_return_check(
        return_request=return_request,
        store=shop,
        actor=clerk,
        checks=[
            CounterLineCheck(
                return_line_id=line.pk,
                condition="as_new" if accepted else "damaged",
                accepted=accepted,
                refusal_reason="" if accepted else "Broken",
            )
            for line in return_request.lines.all()
        ],
    )


@pytest.mark.parametrize("drop_off", ["store", "relay_point"])
def test_a_counter_hand_in_sends_the_counter_receipt_only(make_return, notified_warehouse, shop, clerk, drop_off):
    point = shop.drop_off_point if drop_off == "store" else None
    kwargs = {"drop_off": DropOffChoice(method="store", point=point)} if point else {}
    return_request = make_return(**kwargs)
    before = [m.topic for m in _customer_emails(return_request)]
    _counter(return_request, shop, clerk, accepted=True)
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT
    assert [m.topic for m in _customer_emails(return_request)][len(before) :] == ["store_counter_receipt"]
    # The warehouse is still told what is coming.
    assert OutboxMessage.objects.filter(dedupe_key__endswith="in_transit:warehouse-webhook").count() == 1


def test_a_counter_refusal_sends_the_counter_receipt_only(make_return, shop, clerk):
    return_request = make_return(drop_off=DropOffChoice(method="store", point=shop.drop_off_point))
    before = [m.topic for m in _customer_emails(return_request)]
    _counter(return_request, shop, clerk, accepted=False)
    return_request.refresh_from_db()
    assert return_request.status == S.CANCELLED
    assert [m.topic for m in _customer_emails(return_request)][len(before) :] == ["store_counter_receipt"]


def test_a_shop_return_that_leaves_without_a_counter_check_gets_the_in_transit_email(make_return, shop):
    """E.g. put in a shop-to-warehouse shipment and dispatched: no counter receipt, so our email is the news."""
    return_request = make_return(drop_off=DropOffChoice(method="store", point=shop.drop_off_point), locale="fr")
    _walk(return_request, S.IN_TRANSIT)
    message = OutboxMessage.objects.get(topic="parcel_in_transit")
    rendered = email_render(topic=message.topic, locale=message.locale, payload=message.payload)
    assert "a quitté la boutique Boutique Rivoli et part vers notre entrepôt" in rendered.text


# ---- A parcel received without transit scan


def test_a_parcel_received_without_transit_scan_gets_the_received_email_only(make_return, notified_warehouse):
    return_request = make_return()
    operator = UserFactory(roles=["warehouse_staff"])
    notified_warehouse.staff.add(operator)
    arrival_register(code=return_request.rma_number, warehouse=notified_warehouse, actor=operator)
    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    assert return_request.events.filter(to_status=S.IN_TRANSIT).exists()
    assert [m.topic for m in _customer_emails(return_request)] == ["return_approved", "parcel_received"]
    # The warehouse's own notices are not touched.
    assert OutboxMessage.objects.filter(dedupe_key__endswith="in_transit:warehouse-webhook").count() == 1


def test_an_in_transit_email_already_delivered_stays_delivered(make_return):
    return_request = make_return()
    _walk(return_request, S.IN_TRANSIT)
    in_transit = OutboxMessage.objects.get(topic="parcel_in_transit")
    assert outbox_message_deliver(message_id=in_transit.pk) == DeliveryOutcome.DELIVERED
    _walk(return_request, S.RECEIVED)
    in_transit.refresh_from_db()
    assert in_transit.status == OutboxStatus.DELIVERED
    assert [m.topic for m in _customer_emails(return_request)] == [
        "return_approved",
        "parcel_in_transit",
        "parcel_received",
    ]
