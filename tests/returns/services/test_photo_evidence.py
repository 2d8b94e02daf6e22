"""Photo evidence in the services: every channel that submits goes through return_request_submit."""

from pathlib import Path

import pytest

from rma.core.exceptions import NotEligible
from rma.returns.choices import ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnPhoto, ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_create, return_request_submit
from tests.core.pictures import checked
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, return_request_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def damaged(db):
    return ReasonCodeFactory(code="damaged", label_fr="Arrivé abîmé", label_en="Arrived damaged", requires_photo=True)


def test_a_submit_with_a_line_missing_its_photo_stores_nothing(policy, relay, damaged, settings):
    first = OrderLineFactory(external_id="L1", quantity=1)
    second = OrderLineFactory(external_id="L2", order=first.order, quantity=1)
    with pytest.raises(NotEligible) as refused:
        return_request_create(
            order=first.order,
            lines=[
                ReturnLineInput(order_line=first, quantity=1, reason=damaged),
                ReturnLineInput(order_line=second, quantity=1, reason=damaged),
            ],
            drop_off=DropOffChoice(method="relay_point", point=relay),
            photos={first.pk: [checked()]},
            submit=True,
        )
    assert refused.value.code == "photo_required"
    assert list(refused.value.extra["lines"]) == ["L2"]
    assert not ReturnRequest.objects.exists()
    assert not ReturnPhoto.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))  # the first line's photo was not stored either


def test_a_draft_is_submitted_once_its_photo_is_there(policy, relay, damaged):
    line = OrderLineFactory(external_id="L1", quantity=1)
    draft = return_request_make(reason=damaged, relay=relay, order_line=line, submit=False)
    with pytest.raises(NotEligible):
        return_request_submit(return_request=draft)
    assert ReturnRequest.objects.get().status == ReturnStatus.DRAFT

    from rma.returns.photos import return_line_photo_add

    return_line_photo_add(return_line=draft.lines.get(), image=checked())
    return_request_submit(return_request=draft)
    assert ReturnRequest.objects.get().status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
