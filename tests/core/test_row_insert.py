"""One row inserted by a statement compiled once: the row the ORM's create would have written, in one statement."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.utils import timezone

from rma.core.services import row_insert
from rma.returns.models import IntakeStatus, ReturnIntake
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"order": "ML100", "lines": [{"order_line": "1", "quantity": 1, "reason": "too-small"}], "note": "é ✓"}


def _columns(intake: ReturnIntake) -> dict[str, object]:
    return {field.attname: getattr(intake, field.attname) for field in ReturnIntake._meta.concrete_fields}


def test_the_row_is_the_one_create_writes_with_its_defaults(django_assert_num_queries):
    actor = UserFactory(username="shop-api")
    before = timezone.now()

    with django_assert_num_queries(1):
        inserted = row_insert(instance=ReturnIntake(actor=actor, payload=PAYLOAD, language="fr", idempotency_key="k1"))
    created = ReturnIntake.objects.create(actor=actor, payload=PAYLOAD, language="fr", idempotency_key="k2")

    assert isinstance(inserted.pk, int)
    assert inserted.pk == created.pk - 1
    assert not inserted._state.adding
    assert inserted._state.db == "default"
    stored = ReturnIntake.objects.get(pk=inserted.pk)
    assert _columns(stored) == _columns(inserted)
    differing = {name for name, value in _columns(stored).items() if _columns(created)[name] != value}
    assert differing == {"id", "public_id", "created_at", "updated_at", "idempotency_key"}
    assert stored.payload == PAYLOAD
    assert stored.status == IntakeStatus.PENDING
    assert stored.public_id is not None
    assert before <= stored.created_at <= stored.updated_at <= timezone.now()  # each field its own now(), as create
    assert stored.return_request_id is None
    assert stored.error is None


def test_a_unique_constraint_refuses_it_as_it_refuses_create():
    actor = UserFactory(username="shop-api")
    row_insert(instance=ReturnIntake(actor=actor, payload={}, language="en", idempotency_key="same"))

    with pytest.raises(IntegrityError), transaction.atomic():
        row_insert(instance=ReturnIntake(actor=actor, payload={}, language="en", idempotency_key="same"))
    assert ReturnIntake.objects.count() == 1


def test_an_expression_goes_through_the_orm():
    actor = UserFactory(username="shop-api")

    inserted = row_insert(instance=ReturnIntake(actor=actor, payload={}, language="en", attempts=Value(3)))

    assert ReturnIntake.objects.get(pk=inserted.pk).attempts == 3
