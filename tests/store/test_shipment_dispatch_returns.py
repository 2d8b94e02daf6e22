"""A shipment's dispatch moves its returns in transit together: each gets the event, the emails, the warehouse's
notices, the store credit and the shop's calls it got when they moved one at a time, for a fixed number of
statements whatever their number."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma.connectors.choices import ShopTopic
from rma.connectors.models import ShopOrder
from rma.connectors.money import credit_order
from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus as S
from rma.returns.messages import return_messages_for
from rma.returns.models import ReturnPolicy, ReturnRequest
from rma.shipping.services.shipment_handover import shipment_close, shipment_dispatch
from rma.shipping.services.shipments import carton_add, shipment_open, shipment_return_add
from rma.warehouse.models import StoreCredit
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db
# The dispatch of a shipment whose returns get their store credit at handover: its lock and change, the returns
# locked and their lines, one update and one insert of events, their emails and notices in one insert, the policy
# (read from the database in tests), the credits already issued, the new ones inserted in a savepoint and their
# messages in one insert, the shop orders, refunds and credits read and their calls in one insert, then the
# warehouse's advance notice.
DISPATCH_WITH_CREDITS_QUERIES = 30


def loaded(store, clerk, return_requests):
    """A closed shipment of one carton holding `return_requests`."""
    shipment = shipment_open(store=store, actor=clerk)
    carton = carton_add(shipment=shipment, actor=clerk)
    for return_request in return_requests:
        shipment_return_add(shipment=shipment, carton=carton, code=return_request.rma_number, actor=clerk)
    shipment_close(shipment=shipment, actor=clerk)
    return shipment


def linked(return_request, shop_connection):
    """Make `return_request`'s order one of the connected shop's."""
    order = return_request.order
    ShopOrder.objects.create(connection=shop_connection, order=order, order_ref=f"web-{order.number}")
    return return_request


def credit_at_handover(policy):
    ReturnPolicy.objects.filter(pk=policy.pk).update(
        store_credit_moment="handover", store_credit_bonus_percent=Decimal("10"), store_credit_validity_days=30
    )


def credit_return(make_return, *, price, resolution="store_credit"):
    """A return of two units at `price`, for `resolution`, with its ready label."""
    line = OrderLineFactory(quantity=2, unit_price=Decimal(price))
    return make_return(order_line=line, quantity=2, resolution=resolution)


def test_each_return_of_a_dispatch_gets_its_own_event_emails_and_notices(store, clerk, make_return, hand_in):
    moved = [make_return(tracking_number=f"6A{n:011d}", lines=1 + n % 2) for n in range(5)]
    handed = hand_in(make_return())  # already in transit: left as it is
    sources = {return_request.pk: return_request.status for return_request in moved}
    shipment = loaded(store, clerk, [*moved, handed])

    shipment_dispatch(shipment=shipment, actor=clerk, pickup_reference="PU-5")

    note = f"Dispatched from {store.name} in shipment {shipment.number}."
    for return_request in moved:
        fresh = ReturnRequest.objects.get(pk=return_request.pk)
        event = fresh.events.get(to_status=S.IN_TRANSIT)
        assert fresh.status == S.IN_TRANSIT
        assert (event.from_status, event.actor, event.actor_label, event.note, event.reason) == (
            sources[return_request.pk],
            clerk,
            clerk.username,
            note,
            "",
        )
        # What the move one at a time writes, computed again from the database: the customer's email (to their own
        # address, with their lines and tracking number) and the warehouse's webhook and email.
        expected = return_messages_for(
            return_request=fresh, to_status=S.IN_TRANSIT, from_status=event.from_status, event=event
        )
        written = OutboxMessage.objects.filter(dedupe_key__startswith=f"return:{fresh.public_id}:in_transit:")
        assert sorted(
            (m.dedupe_key, m.channel, m.topic, m.destination, m.locale, m.payload) for m in written
        ) == sorted((m.dedupe_key, m.channel, m.topic, m.destination, m.locale, m.payload) for m in expected)
        assert [m.topic for m in expected] == ["parcel_in_transit", "return.in_transit", "warehouse_advance_notice"]
        email = written.get(topic="parcel_in_transit")
        assert (email.destination, email.payload["tracking_number"]) == (
            fresh.contact_email,
            fresh.label.tracking_number,
        )
    assert len({m.contact_email for m in moved}) == 5
    assert handed.events.filter(to_status=S.IN_TRANSIT).count() == 1
    assert not OutboxMessage.objects.filter(topic="parcel_in_transit", payload__rma_number=handed.rma_number).exists()


def test_a_dispatch_issues_each_store_credit_due_at_handover_and_its_shop_call(
    store, clerk, make_return, policy, shop_connection
):
    credit_at_handover(policy)
    in_shop = [linked(credit_return(make_return, price=price), shop_connection) for price in ("20.00", "35.50")]
    elsewhere = credit_return(make_return, price="12.00")
    refunded = linked(credit_return(make_return, price="40.00", resolution="refund"), shop_connection)

    shipment_dispatch(shipment=loaded(store, clerk, [*in_shop, elsewhere, refunded]), actor=clerk)

    credits = {credit.return_request_id: credit for credit in StoreCredit.objects.all()}
    assert sorted(credits) == sorted(r.pk for r in [*in_shop, elsewhere])
    for return_request in [*in_shop, elsewhere]:
        credit = credits[return_request.pk]
        amount = return_request.refund_estimate * Decimal("1.1")
        assert (credit.amount, credit.moment, credit.issued_by) == (
            amount.quantize(Decimal("0.01")),
            "handover",
            clerk,
        )
        email = OutboxMessage.objects.get(dedupe_key=f"store_credit:{credit.public_id}:customer-email")
        assert (email.topic, email.destination, email.payload["code"]) == (
            "store_credit_issued",
            return_request.contact_email,
            credit.code,
        )
        webhook = OutboxMessage.objects.get(dedupe_key=f"store_credit:{credit.public_id}")
        assert (webhook.topic, webhook.payload["return"]["rma_number"], webhook.payload["store_credit"]["code"]) == (
            "store_credit.issued",
            return_request.rma_number,
            credit.code,
        )
    calls = OutboxMessage.objects.filter(channel="shop").order_by("id")
    assert [(call.topic, call.dedupe_key, call.destination, call.payload) for call in calls] == [
        (
            ShopTopic.STORE_CREDIT,
            f"shop:store_credit:{credits[r.pk].public_id}",
            f"connection:{shop_connection.pk}",
            credit_order(credit=credits[r.pk], link=r.order.shop_link, return_request=r).as_payload(),
        )
        for r in in_shop
    ]


def test_a_dispatch_issuing_store_credits_costs_the_same_for_one_return_or_five(
    store, clerk, make_return, policy, shop_connection
):
    credit_at_handover(policy)
    small = loaded(store, clerk, [linked(credit_return(make_return, price="20.00"), shop_connection)])
    big = loaded(
        store,
        clerk,
        [
            linked(credit_return(make_return, price="20.00"), shop_connection),
            linked(credit_return(make_return, price="31.00"), shop_connection),
            credit_return(make_return, price="18.00"),
            linked(credit_return(make_return, price="44.00", resolution="refund"), shop_connection),
            credit_return(make_return, price="9.90", resolution="refund"),
        ],
    )
    counts = []
    for shipment in (small, big):
        with CaptureQueriesContext(connection) as queries:
            shipment_dispatch(shipment=shipment, actor=clerk)
        counts.append(len(queries))
    assert StoreCredit.objects.count() == 1 + 3
    assert OutboxMessage.objects.filter(channel="shop", topic=ShopTopic.STORE_CREDIT).count() == 1 + 2
    assert counts[0] == counts[1] == DISPATCH_WITH_CREDITS_QUERIES
