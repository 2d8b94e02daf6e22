"""Writing many rows in one statement: insert those that are new (the others read back), update each row its own
values."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rma.core.services import rows_insert_or_get, rows_update
from rma.notifications.models import OutboxMessage
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label

pytestmark = pytest.mark.django_db


def _message(key: str, topic: str = "label_ready") -> OutboxMessage:
    return OutboxMessage(
        channel="email", topic=topic, destination=f"{key}@example.fr", payload={"key": key}, dedupe_key=key
    )


def test_new_rows_are_inserted_in_one_statement_and_existing_ones_read_back(django_assert_num_queries):
    existing = OutboxMessage.objects.create(
        channel="email", topic="first", destination="a@example.fr", payload={}, dedupe_key="a"
    )
    given = [_message("a", topic="second"), _message("b"), _message("c"), _message("b", topic="again")]

    with django_assert_num_queries(2):  # the insert, then the row that existed
        written = rows_insert_or_get(instances=given, unique="dedupe_key")

    assert [(row.dedupe_key, created) for row, created in written] == [
        ("a", False),
        ("b", True),
        ("c", True),
        ("b", False),  # the same key twice: the first one's row
    ]
    assert written[0][0].pk == existing.pk
    assert written[0][0].topic == "first"  # left as it was
    assert written[3][0] is written[1][0]
    assert {row.pk for row, _created in written} == set(OutboxMessage.objects.values_list("pk", flat=True))
    assert OutboxMessage.objects.get(dedupe_key="b").topic == "label_ready"


def test_rows_all_new_take_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        written = rows_insert_or_get(instances=[_message("x"), _message("y")], unique="dedupe_key")
    assert all(created and row.pk is not None for row, created in written)
    assert rows_insert_or_get(instances=[], unique="dedupe_key") == []


def test_each_row_is_updated_with_its_own_values_in_one_statement(django_assert_num_queries):
    labels = [Label.objects.create(carrier="builtin", status=LabelStatus.PENDING) for _ in range(3)]
    untouched = Label.objects.create(carrier="builtin", status=LabelStatus.PENDING, qr_payload="kept")
    ready_at = timezone.now() - timedelta(minutes=5)
    for index, label in enumerate(labels):
        label.status = LabelStatus.READY
        label.tracking_number = f"RP0000000{index}5FR"
        label.ready_at = ready_at + timedelta(seconds=index)
        label.attempts = index + 1
        label.pdf.name = f"labels/{label.public_id}.pdf"
        label.qr_payload = "changed on the instance, not saved"

    with django_assert_num_queries(1):
        rows_update(instances=labels, fields=["status", "tracking_number", "ready_at", "attempts", "pdf"])

    for index, label in enumerate(labels):
        stored = Label.objects.get(pk=label.pk)
        assert (stored.status, stored.tracking_number, stored.ready_at, stored.attempts, stored.pdf.name) == (
            LabelStatus.READY,
            f"RP0000000{index}5FR",
            ready_at + timedelta(seconds=index),
            index + 1,
            f"labels/{label.public_id}.pdf",
        )
        assert stored.qr_payload == ""
    assert Label.objects.get(pk=untouched.pk).status == LabelStatus.PENDING
    with django_assert_num_queries(0):
        rows_update(instances=[], fields=["status"])
