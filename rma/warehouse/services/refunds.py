"""Refund (or exchange) once a return is inspected: computed from the graded units, released once.

How the amount is computed (EU Consumer Rights Directive 2011/83 art. 13-14, French Code de la consommation
L221-23/24):
- Each received unit is worth the price paid for it (``OrderLine.unit_price``); missing or wrong units are
  worth nothing.
- Under the right of withdrawal the customer gets the full price back unless the goods lost value through
  handling beyond what was needed to try them. So a grade deducts only when the admin flagged it "deduct"
  (e.g. C: used, D: unsellable); for those the unit counts for ``recovery_percent`` % of its price. Grades such
  as A (as new) and B (opened, like new) always count for 100 %.
- No grade deduction applies when the reason is the merchant's or the carrier's doing (legal guarantee of
  conformity, damage in transport): the customer is not liable for a defect.
- The return's fee (``ReturnRequest.fee_amount``, set by the policy at creation) is subtracted once.
- The amount is never negative.

A returnless refund (``ReturnRequest.returnless``: the policy let the customer keep items worth little) is
released by the same function right after its approval (rma.warehouse.reactions): nothing is inspected, each
unit is worth the price paid, no deduction and no fee apply.

Store credit: a return whose resolution is store credit gets a Refund row like any other, with method
``store_credit`` (``refund_method_for``); whatever issues the credit builds on that row.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError, InvalidTransition
from rma.core.formatting import money
from rma.notifications.outbox import outbox_enqueue
from rma.returns.choices import LegalBasis, Resolution, ReturnStatus
from rma.returns.models import ReturnLine, ReturnRequest
from rma.returns.services import return_request_transition
from rma.warehouse.choices import RefundMethod, RefundStatus, UnitCondition
from rma.warehouse.models import ExchangeRequest, Inspection, Refund
from rma.warehouse.services.common import Actor, actor_name, actor_or_none, return_request_lock

CENT = Decimal("0.01")
# Legal bases under which a worn item may be refunded less (the customer's own choice to return it).
DEDUCTIBLE_BASES = (LegalBasis.WITHDRAWAL, LegalBasis.GOODWILL)


@dataclass
class RefundComputation:
    currency: str
    method: str
    gross: Decimal = Decimal("0.00")
    deductions: Decimal = Decimal("0.00")
    fee: Decimal = Decimal("0.00")
    amount: Decimal = Decimal("0.00")
    accepted_units: int = 0
    units: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True

    def as_breakdown(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "method": self.method,
            "gross": str(self.gross),
            "deductions": str(self.deductions),
            "fee": str(self.fee),
            "amount": str(self.amount),
            "accepted_units": self.accepted_units,
            "units": self.units,
        }


def refund_method_for(*, resolution: str) -> str:
    return RefundMethod.STORE_CREDIT if resolution == Resolution.STORE_CREDIT else RefundMethod.ORIGINAL_PAYMENT


def refund_compute(*, return_request: ReturnRequest) -> RefundComputation:
    """What the customer gets back for the inspected units (see the module docstring for the rules)."""
    computation = RefundComputation(
        currency=return_request.currency, method=refund_method_for(resolution=return_request.resolution)
    )
    lines = ReturnLine.objects.filter(return_request=return_request).select_related("order_line", "reason")
    if return_request.returnless:
        return _returnless_compute(computation, lines)
    inspections = {
        (i.return_line_id, i.unit_index): i
        for i in Inspection.objects.filter(return_line__return_request=return_request).select_related("grade")
    }
    for line in lines.order_by("id"):
        price = line.order_line.unit_price
        for index in range(line.quantity):
            inspection = inspections.get((line.pk, index))
            unit: dict[str, Any] = {
                "line_id": line.pk,
                "sku": line.order_line.sku,
                "unit": index + 1,
                "unit_price": str(price),
                "condition": inspection.condition if inspection else "",
                "grade": inspection.grade.code if inspection and inspection.grade else "",
                "recovery_percent": 100,
                "deducted": False,
                "value": "0.00",
            }
            if inspection is None:
                computation.complete = False
            elif inspection.condition == UnitCondition.RECEIVED:
                grade = inspection.grade
                if grade is None:  # the database refuses a unit received without a grade
                    raise DomainError(_("A unit received without a grade cannot be valued."), code="grade_missing")
                value = price
                if grade.deducts and line.reason.legal_basis in DEDUCTIBLE_BASES:
                    value = (price * grade.recovery_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                    unit.update(recovery_percent=grade.recovery_percent, deducted=True)
                unit["value"] = str(value)
                computation.gross += price
                computation.deductions += price - value
                computation.accepted_units += 1
            computation.units.append(unit)
    computation.fee = return_request.fee_amount
    computation.amount = max(computation.gross - computation.deductions - computation.fee, Decimal("0.00"))
    return computation


def _returnless_compute(computation: RefundComputation, lines: Any) -> RefundComputation:
    """The customer keeps the items: every unit is worth the price paid; no inspection, deduction or fee."""
    for line in lines.order_by("id"):
        price = line.order_line.unit_price
        for index in range(line.quantity):
            computation.units.append(
                {
                    "line_id": line.pk,
                    "sku": line.order_line.sku,
                    "unit": index + 1,
                    "unit_price": str(price),
                    "condition": "kept",
                    "grade": "",
                    "recovery_percent": 100,
                    "deducted": False,
                    "value": str(price),
                }
            )
            computation.gross += price
            computation.accepted_units += 1
    computation.amount = computation.gross
    return computation


@dataclass(frozen=True)
class ReleaseResult:
    outcome: str  # "refunded", "exchanged" or "closed"
    message: str
    refund: Refund | None = None
    exchange_request: ExchangeRequest | None = None


def _shop_destination() -> str:
    return settings.RMA_SHOP_WEBHOOK_URL or "shop"


def _return_payload(return_request: ReturnRequest) -> dict[str, Any]:
    order = return_request.order
    return {
        "public_id": str(return_request.public_id),
        "rma_number": return_request.rma_number,
        "order_external_id": order.external_id,
        "order_number": order.number,
    }


def _refuse_if_released(locked: ReturnRequest) -> None:
    refund = Refund.objects.select_related("released_by").filter(return_request=locked).first()
    if refund is not None:
        raise Conflict(
            _("The refund of %(rma)s (%(amount)s) was already released by %(who)s on %(when)s.")
            % {
                "rma": locked.rma_number,
                "amount": money(refund.amount, refund.currency),
                "who": actor_name(refund.released_by),
                "when": date_format(timezone.localtime(refund.released_at), "DATETIME_FORMAT"),
            },
            code="refund_already_released",
            extra={"refund": str(refund.public_id), "amount": str(refund.amount)},
        )
    exchange = ExchangeRequest.objects.select_related("requested_by").filter(return_request=locked).first()
    if exchange is not None:
        raise Conflict(
            _("The exchange for %(rma)s was already requested by %(who)s.")
            % {"rma": locked.rma_number, "who": actor_name(exchange.requested_by)},
            code="exchange_already_requested",
        )


@transaction.atomic
def refund_release(*, return_request: ReturnRequest, actor: Actor) -> ReleaseResult:
    """Release the refund of an inspected return (or of an approved returnless one): a Refund row, an outbox
    message to the shop and the move to "refunded", all in one transaction. Exchanges get an exchange request
    instead.

    Never twice: the return row is locked, a refund is one per return in the database, and the outbox
    message has a dedupe key. A second operator (or a retried task) gets a Conflict saying who released it.
    """
    locked = return_request_lock(pk=return_request.pk)
    _refuse_if_released(locked)
    returnless = locked.returnless and locked.status == ReturnStatus.APPROVED
    if locked.status != ReturnStatus.INSPECTED and not returnless:
        if locked.status == ReturnStatus.RECEIVED:
            raise InvalidTransition(
                _("Inspect every unit and confirm its disposition before releasing the refund."),
                code="inspection_incomplete",
            )
        raise InvalidTransition(
            _("Return %(rma)s is “%(status)s”: there is no refund to release.")
            % {"rma": locked.rma_number, "status": ReturnStatus(locked.status).label},
            code="not_refundable",
        )
    locked = ReturnRequest.objects.select_related("order").get(pk=locked.pk)
    computation = refund_compute(return_request=locked)
    key = f"refund:{locked.public_id}"
    now = timezone.now()
    if computation.accepted_units == 0:
        note = _("Nothing acceptable was received: no refund.")
        return_request_transition(return_request=locked, to=ReturnStatus.CLOSED, actor=actor, note=note)
        _sync(return_request, locked)
        return ReleaseResult("closed", note)

    if locked.resolution == Resolution.EXCHANGE:
        accepted: dict[int, int] = {}
        for unit in computation.units:
            if unit["condition"] == UnitCondition.RECEIVED:
                accepted[unit["line_id"]] = accepted.get(unit["line_id"], 0) + 1
        lines = ReturnLine.objects.filter(pk__in=accepted).select_related("order_line").order_by("id")
        exchange_lines = [
            {"sku": line.exchange_sku, "quantity": accepted[line.pk], "replaces_sku": line.order_line.sku}
            for line in lines
        ]
        key = f"exchange:{locked.public_id}"
        try:
            with transaction.atomic():
                exchange = ExchangeRequest.objects.create(
                    return_request=locked,
                    lines=exchange_lines,
                    idempotency_key=key,
                    requested_by=actor_or_none(actor),
                    requested_at=now,
                )
        except IntegrityError as exc:  # pragma: no cover - the row lock makes this unreachable
            raise Conflict(_("The exchange was already requested."), code="exchange_already_requested") from exc
        outbox_enqueue(
            channel="webhook",
            topic="exchange.requested",
            destination=_shop_destination(),
            payload={
                "idempotency_key": key,
                "return": _return_payload(locked),
                "exchange": {"public_id": str(exchange.public_id), "lines": exchange_lines},
            },
            dedupe_key=key,
            locale=locked.locale,
        )
        return_request_transition(
            return_request=locked,
            to=ReturnStatus.EXCHANGED,
            actor=actor,
            note=_("Exchange requested: %(items)s.")
            % {"items": ", ".join(f"{x['sku']} × {x['quantity']}" for x in exchange_lines)},
        )
        _sync(return_request, locked)
        return ReleaseResult("exchanged", _("Exchange requested from the shop."), exchange_request=exchange)

    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                return_request=locked,
                amount=computation.amount,
                currency=computation.currency,
                method=computation.method,
                status=RefundStatus.RELEASED,
                idempotency_key=key,
                breakdown=computation.as_breakdown(),
                released_by=actor_or_none(actor),
                released_at=now,
            )
    except IntegrityError as exc:  # pragma: no cover - the row lock makes this unreachable
        raise Conflict(_("The refund was already released."), code="refund_already_released") from exc
    outbox_enqueue(
        channel="webhook",
        topic="refund.released",
        destination=_shop_destination(),
        payload={
            "idempotency_key": key,
            "return": _return_payload(locked),
            "refund": {
                "public_id": str(refund.public_id),
                "amount": str(refund.amount),
                "currency": refund.currency,
                "method": refund.method,
                "released_at": now.isoformat(),
            },
            "breakdown": refund.breakdown,
        },
        dedupe_key=key,
        locale=locked.locale,
    )
    message = _("Refund of %(amount)s released.") % {"amount": money(refund.amount, refund.currency)}
    if returnless:
        message = _("Refund without return of %(amount)s released; the customer keeps the items.") % {
            "amount": money(refund.amount, refund.currency)
        }
    return_request_transition(return_request=locked, to=ReturnStatus.REFUNDED, actor=actor, note=message)
    _sync(return_request, locked)
    return ReleaseResult("refunded", message, refund=refund)


def _sync(target: ReturnRequest, source: ReturnRequest) -> None:
    target.status = source.status
    target.updated_at = source.updated_at
