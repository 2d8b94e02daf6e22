"""A customer's history across emails, by delivery address and phone: figures on fixed data worked out by hand
(tests/returns/risk_world.py), and what it costs."""

from decimal import Decimal

import pytest

from rma.returns.customer_history import (
    customer_histories_for,
    customer_history_for_email,
    customer_history_for_return,
    customer_keys_for_return,
)
from rma.returns.risk import risk_score
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.risk_world import chloe_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(policy, reason, relay, warehouse):
    return chloe_world(reason=reason, relay=relay, warehouse=warehouse)


def test_a_returns_customer_is_found_by_email_address_and_phone_across_emails(world):
    history = customer_history_for_return(world.r1)

    assert history.count == 4
    assert history.values == {"EUR": Decimal("220.00")}
    assert history.by_status == {"approved": 1, "rejected": 1, "received": 1, "cancelled": 1}
    assert history.units_bought == 6  # A 3, B 2, C 1; not the stranger's D
    assert history.units_returned == 3  # R1 2, R3 1; R2 cancelled, R4 rejected
    assert history.return_rate == Decimal("0.50")
    assert history.units_worn == 1
    assert history.units_unmatched == 1
    assert history.rejected == 1
    assert history.emails == {"chloe@example.fr", "chloe.m@other.fr", "c.martin@example.com"}


def test_from_her_email_the_customer_is_found_through_the_addresses_and_phones_of_her_orders(world):
    history = customer_history_for_email(" CHLOE@example.fr ")

    # Her email's orders and returns (A, and R4 on D) give the address and phone keys: A's, and D's address.
    assert (history.count, history.units_worn, history.units_unmatched) == (4, 1, 1)
    # Through the email, the stranger's order D counts as hers: a return under her email is on it.
    assert history.units_bought == 7


def test_matching_goes_one_step_from_the_return(world):
    history = customer_history_for_return(world.r3)

    # R3 is on order C: its email, its address (3 avenue Foch) and its phone. The phone finds A (and R1); B shares
    # only A's address and R4 only A's email: two steps away, not followed.
    assert history.count == 2
    assert history.units_bought == 4  # C 1, A 3
    assert history.emails == {"chloe@example.fr", "c.martin@example.com"}


def test_a_return_can_be_left_out_of_its_customers_history(world):
    history = customer_history_for_return(world.r1, excluding_itself=True)

    assert history.count == 3
    assert (history.units_worn, history.units_unmatched) == (0, 0)  # what was found was in R1
    assert history.units_returned == 1


def test_a_customer_with_no_return_has_an_empty_history_and_no_risk(db):
    order = OrderFactory(customer_email="new@example.fr")
    OrderLineFactory(order=order, quantity=3)

    history = customer_history_for_email("new@example.fr")

    assert (history.count, history.units_bought, history.units_returned, history.return_rate) == (0, 3, 0, 0)
    assert risk_score(history).score == 0
    assert customer_history_for_email("nobody@example.fr").return_rate is None


def test_blank_phones_and_addresses_join_no_one(db, make_return):
    # Two customers without phone or address: nothing in common but blanks.
    first, second = (OrderLineFactory(order=OrderFactory(address_line1="", postcode="")) for _ in range(2))
    first = make_return(order_line=first, contact_email="a@example.fr")
    make_return(order_line=second, contact_email="b@example.fr")

    assert customer_history_for_return(first).count == 1


def test_an_address_many_customers_share_joins_no_one(db, make_return, settings):
    # A pickup point's address on the orders of three customers: with at most two emails per key, they stay apart.
    settings.RMA_CUSTOMER_KEY_MAX_EMAILS = 2
    point = {"address_line1": "Relais Colis, 4 place Bellecour", "postcode": "69002", "customer_phone": ""}
    made = [
        make_return(order_line=OrderLineFactory(order=OrderFactory(customer_email=f"c{n}@example.fr", **point)))
        for n in range(3)
    ]

    assert [customer_history_for_return(r).count for r in made] == [1, 1, 1]
    settings.RMA_CUSTOMER_KEY_MAX_EMAILS = 3
    assert customer_history_for_return(made[0]).count == 3


def test_histories_of_a_page_of_customers_cost_four_queries(world, make_return, django_assert_num_queries):
    others = [make_return(contact_email=f"other{n}@example.fr") for n in range(5)]
    returns = [world.r1, world.r3, *others]
    customers = {r.pk: customer_keys_for_return(r) for r in returns}

    # the crowded addresses and phones, orders, returns, what the warehouse found
    with django_assert_num_queries(4):
        histories = customer_histories_for(customers)

    assert (histories[world.r1.pk].count, histories[world.r3.pk].count) == (4, 2)
    assert [histories[r.pk].count for r in others] == [1] * 5


@pytest.mark.postgres
def test_whether_an_address_is_crowded_is_read_from_a_few_entries_of_the_index_on_address_and_email(
    postgres_only, settings
):
    """An address with thousands of orders must not be counted through: each key's distinct emails are read in
    order from the index on (key, email), and the reading stops one past the limit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rma.returns.customer_history import CustomerKeys

    settings.RMA_CUSTOMER_KEY_MAX_EMAILS = 2
    crowded = [
        OrderFactory(customer_email=f"neighbour{n}@example.fr", address_line1="8 rue du Relais") for n in range(3)
    ]
    quiet = OrderFactory(customer_email="alone@example.fr")
    keys = CustomerKeys(
        emails=frozenset({"alone@example.fr"}),
        address_keys=frozenset({crowded[0].address_key, quiet.address_key}),
        phone_keys=frozenset(),
    )

    with CaptureQueriesContext(connection) as queries:
        history = customer_histories_for({0: keys})[0]

    # The quiet address's own order counts; the crowded address pulls in none of the neighbours'.
    assert history.emails == {"alone@example.fr"}
    probe = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {probe}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "orders_order_address_key_email" in plan, plan
    assert "Limit" in plan, plan
    assert "Sort" not in plan, plan


def test_the_keys_behind_an_email_are_read_from_indexes_on_postgresql(postgres_only, world):
    """Her orders by their email, and the orders of the returns sent under it by the returns' lowercased contact
    email: each from its index. An OR of the two read every order (103 ms at 570,000 returns)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rma.returns.customer_history import customer_keys_for_email
    from tests.plans import plan_of_statement

    with CaptureQueriesContext(connection) as queries:
        keys = customer_keys_for_email("Chloe@example.fr")

    assert len(keys.address_keys) == 2  # A's, and D's through R4
    assert len(queries) == 1
    plan = plan_of_statement(queries.captured_queries[0]["sql"])
    assert "Filter" not in plan, plan  # every row read is one of hers: found by an index's condition
    assert "orders_order_customer_email" in plan, plan
    assert "returns_contact_lower_created" in plan, plan
