import pytest

from rma.returns.choices import ReturnStatus
from rma.returns.services import DropOffChoice, ReturnLineInput, return_request_create
from tests.factories import DropOffPointFactory, OrderLineFactory, ReasonCodeFactory, ReturnPolicyFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def test_create_and_submit_approves_by_policy():
    ReturnPolicyFactory()
    WarehouseFactory()
    line = OrderLineFactory()
    rr = return_request_create(
        order=line.order,
        lines=[ReturnLineInput(order_line=line, quantity=1, reason=ReasonCodeFactory())],
        drop_off=DropOffChoice(method="relay_point", point=DropOffPointFactory()),
        submit=True,
    )
    assert rr.status == ReturnStatus.APPROVED
    line.refresh_from_db()
    assert line.quantity_in_returns == 1
    assert [e.to_status for e in rr.events.all()] == ["draft", "submitted", "approved"]
