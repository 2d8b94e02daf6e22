"""Creating a return from the body of `POST /returns/`: its checks, its channel and shop, and what it names (order,
lines, reasons, point) turned into rows.

Shared by the synchronous creation (create.py) and the worker that makes the returns accepted for later
(rma/returns/intake.py), so that both make the same return, or refuse the same request with the same error.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _
from rest_framework import serializers

from rma.core import roles
from rma.core.api.fields import (
    CopiedFieldsSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
)
from rma.core.exceptions import DomainError, Forbidden, UnknownReference
from rma.locations.choices import DropOffMethod
from rma.locations.models import Store
from rma.orders.models import Order
from rma.returns import selectors
from rma.returns.api.common import LANGUAGES
from rma.returns.choices import CreationChannel, Resolution
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnIntake, ReturnRequest
from rma.returns.policy import PICKUP_SLOTS
from rma.returns.services import ReturnLineInput, return_request_create_once


class ReturnLineInputSerializer(CopiedFieldsSerializer):
    order_line = StrictCharField(max_length=64, help_text="The order line's external id.")
    quantity = StrictIntegerField(min_value=1, max_value=100_000)
    reason = StrictCharField(max_length=40, help_text="A reason code (see /reason-codes/).")
    comment = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    exchange_sku = StrictCharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="With resolution `exchange`: the SKU wanted instead (another size or colour).",
    )


class DropOffInputSerializer(CopiedFieldsSerializer):
    method = StrictChoiceField(choices=DropOffMethod.choices)
    point_id = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="A drop-off point's `id`; not for home pickup.",
    )
    pickup_date = serializers.DateField(required=False, allow_null=True, help_text="Home pickup only.")
    pickup_slot = StrictChoiceField(
        choices=PICKUP_SLOTS, required=False, allow_blank=True, help_text="Home pickup only."
    )


class ReturnCreateInputSerializer(CopiedFieldsSerializer):
    """The body of POST /returns/: checked when the request comes, and again by the worker for one accepted for
    later."""

    order = StrictCharField(max_length=64, help_text="The order's external id or number.")
    # The list spelled out (what many=True builds): the stubs do not know many=True passes max_length on.
    lines: serializers.ListSerializer[dict[str, Any]] = serializers.ListSerializer(
        child=ReturnLineInputSerializer(), allow_empty=False, max_length=200
    )
    resolution = StrictChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
    drop_off = DropOffInputSerializer()
    contact_email = serializers.EmailField(required=False, allow_blank=True, help_text="Default: the order's email.")
    locale = StrictChoiceField(choices=LANGUAGES, required=False, help_text="Default: the order's.")
    store = StrictCharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text="Code of the shop taking the return. Store staff: one of their shops (default: their only one).",
    )
    submit = StrictBooleanField(default=False, help_text="Submit at once: approved by the policy, or sent to review.")

    class Meta:
        ref_name = "ReturnRequestCreate"


def creation_channel_and_store(*, user: User | AnonymousUser, store_code: str) -> tuple[str, Store | None]:
    """Integrations create through `api`, agents through `agent`, store staff at one of their shops."""
    user_roles = roles.user_roles(user)
    if roles.INTEGRATION in user_roles or roles.AGENT in user_roles or user.is_superuser:
        channel = CreationChannel.API if roles.INTEGRATION in user_roles else CreationChannel.AGENT
        if not store_code:
            return channel, None
        store = selectors.store_get(code=store_code)
        if store is None:
            raise UnknownReference(_("Unknown shop."), extra={"store": [_("Unknown shop.")]})
        return channel, store
    # Store staff: the shop must be one of theirs.
    stores = selectors.stores_of(user=user)
    if store_code:
        store = next((s for s in stores if s.code == store_code), None)
        if store is None:
            raise Forbidden(_("You do not work at this shop."))
        return CreationChannel.STORE, store
    if not stores:
        raise Forbidden(_("You are not attached to any shop."))
    if len(stores) > 1:
        raise DomainError(
            _("The request is not valid."),
            code="invalid",
            extra={"store": [_("You work at several shops: say which one.")]},
        )
    return CreationChannel.STORE, stores[0]


def creation_references_resolve(data: dict[str, Any]) -> tuple[Order, list[ReturnLineInput], DropOffChoice]:
    """Turn references (order, line and reason codes, point id) into rows, or a 404 naming each unknown one."""
    order = selectors.order_get_by_reference(reference=data["order"])
    if order is None:
        raise UnknownReference(_("Unknown order."), extra={"order": [_("Unknown order.")]})
    order_lines = {line.external_id: line for line in order.lines.all()}
    reasons = selectors.reason_codes_by_code(codes=[item["reason"] for item in data["lines"]])
    # Keyed by position, like DRF's own errors for a list of objects.
    line_errors: dict[str, dict[str, list[str]]] = {}
    for index, item in enumerate(data["lines"]):
        if item["order_line"] not in order_lines:
            line_errors.setdefault(str(index), {})["order_line"] = [_("No such line in this order.")]
        if item["reason"] not in reasons:
            line_errors.setdefault(str(index), {})["reason"] = [_("Unknown reason code.")]
    if line_errors:
        raise UnknownReference(_("Unknown order line or reason code."), extra={"lines": line_errors})
    lines = [
        ReturnLineInput(
            order_line=order_lines[item["order_line"]],
            quantity=item["quantity"],
            reason=reasons[item["reason"]],
            comment=item.get("comment", ""),
            exchange_sku=item.get("exchange_sku", ""),
        )
        for item in data["lines"]
    ]
    drop_off_data = data["drop_off"]
    point = None
    if drop_off_data.get("point_id") is not None:
        point = selectors.drop_off_point_get(pk=drop_off_data["point_id"])
        if point is None:
            raise UnknownReference(
                _("Unknown drop-off point."), extra={"drop_off": {"point_id": [_("Unknown drop-off point.")]}}
            )
    drop_off = DropOffChoice(
        method=drop_off_data["method"],
        point=point,
        pickup_date=drop_off_data.get("pickup_date"),
        pickup_slot=drop_off_data.get("pickup_slot", ""),
    )
    return order, lines, drop_off


def return_create(*, user: User, data: dict[str, Any], idempotency_key: str) -> tuple[ReturnRequest, bool]:
    """Make the return that a checked body (`ReturnCreateInputSerializer`'s data) asks for; also say whether it is
    the one an earlier request with the same Idempotency-Key made."""
    channel, store = creation_channel_and_store(user=user, store_code=data.get("store", ""))
    order, lines, drop_off = creation_references_resolve(data)
    return return_request_create_once(
        order=order,
        lines=lines,
        drop_off=drop_off,
        resolution=data["resolution"],
        contact_email=data.get("contact_email", ""),
        locale=data.get("locale") or (order.locale[:2] if order.locale[:2] in LANGUAGES else "fr"),
        channel=channel,
        actor=user,
        store=store,
        submit=data["submit"],
        idempotency_key=idempotency_key,
        idempotency_scope=str(user.pk),
    )


def intake_return_make(intake: ReturnIntake) -> tuple[ReturnRequest, bool]:
    """The worker's side of an accepted request (rma.returns.intake.ReturnMaker): its body, checked when it came,
    is read again by the same serializer, so that both paths make the very same return."""
    serializer = ReturnCreateInputSerializer(data=intake.payload)
    if not serializer.is_valid():
        raise DomainError(_("The request is not valid."), code="invalid", extra=serializer.errors)
    return return_create(user=intake.actor, data=serializer.validated_data, idempotency_key=intake.idempotency_key)
