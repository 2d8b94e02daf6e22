"""The bulk writer of the scale data set (COPY on PostgreSQL, bulk_create on SQLite): what it writes reads back
as it was given, the fields not given take their defaults, and the application inserts after it as before."""

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rma.demo.scale.copy import RowBatch, batches_write
from rma.demo.scale.timestamps import timestamps_as_given
from rma.notifications.choices import Channel, OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

# What COPY's text format gives a meaning to (tab, newline, carriage return, backslash, its end marker and its
# NULL), with some accents and a character outside the BMP.
AWKWARD = "tab\there\nnew line\r\nback\\slash \\N \\. \\t «éàç» 🙂"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PLACED = datetime(2026, 3, 29, 1, 59, 59, 123456, tzinfo=PARIS)  # the night the clocks go forward


def written(build):
    """The rows `build` gives a batch, written in a transaction of their own as seed_scale writes them."""
    with transaction.atomic():
        rows = RowBatch()
        build(rows)
        rows.send()


def test_instances_read_back_as_they_were_given_with_their_keys():
    order = Order(
        external_id="copy-1",
        number="CP-1",
        customer_email="chloe@example.fr",
        customer_name=AWKWARD,
        address_line1="",
        city="Lyon",
        latitude=45.7597,
        longitude=None,
        placed_at=PLACED,
        delivered_at=None,
    )
    line = OrderLine(order=order, external_id="1", sku="SKU-1", name="Chemise", quantity=3, unit_price=Decimal("49.9"))

    def build(rows):
        rows.rows(Order, [order])
        rows.rows(OrderLine, [line])  # pointed at its order before the order had a key: it takes it, as Django does

    written(build)

    assert order.pk is not None
    assert line.pk is not None
    stored = Order.objects.get(pk=order.pk)
    assert stored.customer_name == AWKWARD
    assert stored.address_line1 == ""
    assert stored.latitude == pytest.approx(45.7597)
    assert stored.longitude is None
    assert stored.placed_at == PLACED
    assert stored.delivered_at is None
    assert (stored.currency, stored.locale) == ("EUR", "fr")  # the fields' defaults, set when the instance was made
    stored_line = OrderLine.objects.get(pk=line.pk)
    assert stored_line.order_id == order.pk
    assert stored_line.unit_price == Decimal("49.90")
    assert stored_line.quantity == 3
    assert stored_line.has_serial_number is False


def test_values_read_back_and_the_fields_not_given_take_their_defaults():
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    payload = {"note": AWKWARD, "amount": "12.30", "lines": [1, 2.5, None, True], "nested": {"empty": {}}}

    def build(rows):
        rows.values(
            OutboxMessage,
            [
                {
                    "channel": Channel.EMAIL,
                    "topic": "return.approved",
                    "destination": "chloe@example.fr",
                    "payload": payload,
                    "dedupe_key": f"copy-{n}",
                    "status": OutboxStatus.DEAD,
                    "attempts": 8,
                    "last_error": AWKWARD,
                    "created_at": at,
                    "updated_at": at + timedelta(seconds=30),
                }
                for n in range(2)
            ],
        )

    with timestamps_as_given([OutboxMessage]):
        written(build)

    first, second = OutboxMessage.objects.filter(dedupe_key__startswith="copy-").order_by("dedupe_key")
    assert first.payload == payload
    assert first.last_error == AWKWARD
    assert (first.status, first.attempts, first.topic) == (OutboxStatus.DEAD, 8, "return.approved")
    assert first.delivered_at is None
    assert first.created_at == at
    assert first.updated_at == at + timedelta(seconds=30)
    assert first.locale == "fr"  # not given: the field's default
    assert first.delivery_id != second.delivery_id  # a callable default is called for each row
    assert first.pk < second.pk  # numbered by the table, in the order given


def test_automatic_timestamps_are_set_as_on_save_unless_switched_off():
    given = timezone.now() - timedelta(days=30)
    row = {"channel": Channel.EMAIL, "topic": "t", "destination": "d", "status": OutboxStatus.PENDING}

    written(lambda rows: rows.values(OutboxMessage, [{**row, "dedupe_key": "now", "created_at": given}]))

    assert OutboxMessage.objects.get(dedupe_key="now").created_at > given + timedelta(days=29)


def test_the_application_inserts_after_the_rows_written():
    orders = [
        Order(external_id=f"copy-{n}", number=f"CP-{n}", customer_email="c@example.fr", placed_at=PLACED)
        for n in range(3)
    ]
    message = {"channel": Channel.EMAIL, "topic": "t", "destination": "d", "status": OutboxStatus.PENDING}

    def build(rows):
        rows.rows(Order, orders)
        rows.values(OutboxMessage, [{**message, "dedupe_key": f"copy-{n}"} for n in range(3)])

    written(build)

    made = Order.objects.create(external_id="after", number="A-1", customer_email="c@example.fr", placed_at=PLACED)
    assert made.pk > max(order.pk for order in orders)
    sent = OutboxMessage.objects.create(**message, dedupe_key="after")
    assert sent.pk > max(OutboxMessage.objects.exclude(pk=sent.pk).values_list("pk", flat=True))


def test_batches_are_written_in_the_order_given():
    def prepare(numbers, rows):
        rows.rows(
            Order,
            [Order(external_id=f"b-{n}", number=f"B-{n}", customer_email="c@e.fr", placed_at=PLACED) for n in numbers],
        )

    done = list(batches_write(iter([[1, 2], [3], [4, 5, 6]]), prepare))

    assert done == [[1, 2], [3], [4, 5, 6]]
    stored = list(Order.objects.filter(external_id__startswith="b-").order_by("pk").values_list("number", flat=True))
    assert stored == ["B-1", "B-2", "B-3", "B-4", "B-5", "B-6"]


def test_a_batch_that_fails_leaves_the_batches_before_it_and_nothing_of_its_own():
    def prepare(number, rows):
        order = Order(external_id=f"f-{number}", number=f"F-{number}", customer_email="c@e.fr", placed_at=PLACED)
        rows.rows(Order, [order])
        if number == 3:
            raise ValueError("the third batch cannot be built")

    with pytest.raises(ValueError, match="third batch"):
        for _ in batches_write(iter([1, 2, 3, 4]), prepare):
            pass

    numbers = Order.objects.filter(external_id__startswith="f-").values_list("number", flat=True)
    assert sorted(numbers) == ["F-1", "F-2"]


def test_rows_are_written_when_statements_are_logged_too():
    order = Order(external_id="logged", number="L-1", customer_email="c@example.fr", placed_at=PLACED)

    with CaptureQueriesContext(connection):  # as with DEBUG on: Django's debug cursor wraps every statement
        written(lambda rows: rows.rows(Order, [order]))

    assert Order.objects.get(external_id="logged").number == "L-1"


def test_a_naive_datetime_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("bulk_create takes it, with a warning")
    order = Order(external_id="naive", number="N-1", customer_email="c@example.fr", placed_at=datetime(2026, 1, 1))

    with pytest.raises(ValueError, match="naive datetime"):
        written(lambda rows: rows.rows(Order, [order]))
