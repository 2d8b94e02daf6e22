"""Factories for the return's reference data, and returns made through the real service."""

import inspect
from typing import Any

from factory.django import DjangoModelFactory

from rma.core.exceptions import InvalidTransition
from rma.locations.models import DropOffPoint, Store, Warehouse
from rma.orders.models import OrderLine
from rma.returns.choices import LegalBasis, Responsibility, ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReasonCode, ReturnPolicy, ReturnRequest
from rma.returns.services import ReturnLineInput, return_request_create, return_request_transition
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.orders.factories import OrderLineFactory


class ReasonCodeFactory(DjangoModelFactory[ReasonCode]):
    class Meta:
        model = ReasonCode
        django_get_or_create = ("code",)

    code = "too-small"
    label_fr = "Trop petit"
    label_en = "Too small"
    responsibility = Responsibility.CUSTOMER
    legal_basis = LegalBasis.WITHDRAWAL


class ReturnPolicyFactory(DjangoModelFactory[ReturnPolicy]):
    class Meta:
        model = ReturnPolicy

    name = "Standard"
    is_default = True


_CREATE_OPTIONS = frozenset(inspect.signature(return_request_create).parameters) - {"order", "lines", "drop_off"}
_SETTLED = (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
_FORWARD = [ReturnStatus.APPROVED, ReturnStatus.LABEL_READY, ReturnStatus.IN_TRANSIT]


def return_request_make(
    *,
    reason: ReasonCode,
    relay: DropOffPoint | None = None,
    order_line: OrderLine | None = None,
    quantity: int = 1,
    lines: int = 1,
    exchange_sku: str = "",
    submit: bool = True,
    drop_off: DropOffChoice | None = None,
    point: DropOffPoint | None = None,
    at: Store | None = None,
    settle: bool = False,
    status: str | None = None,
    destination: Warehouse | None = None,
    tracking_number: str = "",
    **options: Any,
) -> ReturnRequest:
    """A return made through `return_request_create`, as the customer's portal makes it.

    Drop-off: `drop_off` as given, else at `point`, else at the counter of shop `at`, else at `relay`.
    `lines` order lines of one order (or `order_line`) are returned `quantity` times each, for `reason`.
    Keywords that `return_request_create` takes go to it; any other keyword is a field of the new order line.
    With `settle` (or a `status`), the return is read back and must be approved or label_ready; it is then
    moved on to `status` (approved -> label_ready -> in_transit, or cancelled), sent to `destination`, and
    given a ready label with `tracking_number`.
    """
    create = {key: options.pop(key) for key in list(options) if key in _CREATE_OPTIONS}
    if order_line is None:
        order_line = OrderLineFactory(quantity=max(quantity, 2), **options)
    elif options:
        raise TypeError(f"order line fields {sorted(options)} given with an existing order_line")
    order_lines = [order_line] + [
        OrderLineFactory(order=order_line.order, quantity=max(quantity, 2)) for _ in range(lines - 1)
    ]
    if drop_off is None:
        if point is not None:
            drop_off = DropOffChoice(method=point.kind, point=point)
        elif at is not None:
            drop_off = DropOffChoice(method="store", point=at.drop_off_point)
        else:
            assert relay is not None, "a return needs a drop-off: give relay, at, point or drop_off"
            drop_off = DropOffChoice(method="relay_point", point=relay)
    return_request = return_request_create(
        order=order_line.order,
        lines=[
            ReturnLineInput(order_line=line, quantity=quantity, reason=reason, exchange_sku=exchange_sku)
            for line in order_lines
        ],
        drop_off=drop_off,
        submit=submit,
        **create,
    )
    if destination is not None:
        ReturnRequest.objects.filter(pk=return_request.pk).update(destination_warehouse=destination)
    if not (settle or status or destination or tracking_number):
        return return_request
    return_request.refresh_from_db()
    # After commit, the shipping app may already have made the label (approved -> label_ready).
    assert return_request.status in _SETTLED
    if status == ReturnStatus.CANCELLED:
        path = [ReturnStatus.CANCELLED]
    elif status:
        path = _FORWARD[_FORWARD.index(return_request.status) + 1 : _FORWARD.index(status) + 1]
    else:
        path = []
    for target in path:
        if target == ReturnStatus.LABEL_READY:
            # A live worker may make the label (approved -> label_ready) while we go: then it is already done.
            return_request.refresh_from_db(fields=["status"])
            if return_request.status == target:
                continue
        try:
            return_request_transition(return_request=return_request, to=target)
        except InvalidTransition:
            return_request.refresh_from_db(fields=["status"])
            if return_request.status != target:  # not the worker's label made meanwhile: a real refusal
                raise
    if tracking_number:
        Label.objects.update_or_create(
            return_request=return_request,
            defaults={"tracking_number": tracking_number, "status": LabelStatus.READY},
        )
    return return_request
