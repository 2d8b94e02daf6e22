"""The return policy applied to orders and lines: windows, eligibility, fees and review rules."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.core.formatting import money
from rma.core.reference_memo import ReferenceMemo
from rma.locations.choices import DropOffMethod
from rma.orders.models import Order, OrderLine
from rma.returns.choices import LegalBasis, Resolution, Responsibility, ReturnStatus
from rma.returns.customer_history import customer_history_for_return
from rma.returns.customer_lists import customer_standing_for
from rma.returns.models import PolicyFee, PolicyWindowOverride, ReasonCode, ReturnPolicy, ReturnRequest
from rma.returns.risk import risk_score


def _default_policy_load() -> ReturnPolicy:
    policy = ReturnPolicy.objects.filter(is_default=True).prefetch_related("window_overrides", "fees").first()
    if policy is None:
        # Built-in defaults: saved nowhere, with no overrides and no fees.
        policy = ReturnPolicy(name="Built-in defaults")
    return policy


# Read by every eligibility check and creation; edited in the admin a few times a year.
_default_policy = ReferenceMemo(
    "returns.default_policy", _default_policy_load, models=[ReturnPolicy, PolicyWindowOverride, PolicyFee]
)


def policy_get_default() -> ReturnPolicy:
    """The default policy with its overrides and fees loaded, or the built-in defaults (unsaved) when none is set.

    Kept in memory between requests (rma.core.reference_memo): shared, not to be changed by the caller.
    """
    return _default_policy.get()


def _overrides(policy: ReturnPolicy) -> Iterable[PolicyWindowOverride]:
    return policy.window_overrides.all() if policy.pk else ()


def _fees(policy: ReturnPolicy) -> Iterable[PolicyFee]:
    return policy.fees.all() if policy.pk else ()


def window_days_for(*, policy: ReturnPolicy, category: str, channel: str) -> int:
    """The return window for a category and channel; the most specific override wins."""
    best: tuple[int, int] | None = None
    for override in _overrides(policy):
        if override.category not in ("", category) or override.channel not in ("", channel):
            continue
        specificity = bool(override.category) * 2 + bool(override.channel)
        if best is None or specificity > best[0]:
            best = (specificity, override.window_days)
    return max(best[1] if best else policy.window_days, 14)


def window_closes_on(*, order: Order, days: int) -> date | None:
    if order.delivered_at is None:
        return None
    return timezone.localdate(order.delivered_at + timedelta(days=days))


@dataclass(frozen=True)
class LineEligibility:
    """Whether (and how many units of) an order line can be returned, and if not why, in words."""

    order_line: OrderLine
    returnable_quantity: int
    code: str  # "eligible" or the stable refusal code
    message: str
    window_closes_on: date | None

    @property
    def eligible(self) -> bool:
        return self.code == "eligible"


def line_eligibility(
    *,
    policy: ReturnPolicy,
    line: OrderLine,
    reason: ReasonCode | None = None,
    now: datetime | None = None,
) -> LineEligibility:
    """Check one line against the policy; `reason` matters because the legal guarantee runs longer."""
    order = line.order
    today = timezone.localdate(now or timezone.now())
    available = line.quantity - line.quantity_in_returns
    days = window_days_for(policy=policy, category=line.category, channel=order.channel)
    closes = window_closes_on(order=order, days=days)

    def refuse(code: str, message: str) -> LineEligibility:
        return LineEligibility(line, 0, code, message, closes)

    if line.non_returnable_reason:
        return refuse(
            line.non_returnable_reason,
            _("This item cannot be returned: %(why)s.") % {"why": line.get_non_returnable_reason_display().lower()},
        )
    if available <= 0:
        return refuse("already_returned", _("This item is already in another return."))
    if order.delivered_at is None:
        return refuse("not_delivered", _("This order has not been delivered yet."))
    if closes is not None and today > closes:
        if reason is not None and reason.legal_basis == LegalBasis.NON_CONFORMITY:
            guarantee_closes = window_closes_on(order=order, days=policy.conformity_window_days)
            if guarantee_closes is not None and today <= guarantee_closes:
                return LineEligibility(line, available, "eligible", "", guarantee_closes)
        return refuse(
            "window_closed",
            _("The return window closed on %(date)s. A faulty item stays covered by the legal guarantee.")
            % {"date": date_format(closes, "DATE_FORMAT")},
        )
    return LineEligibility(line, available, "eligible", "", closes)


def order_eligibility(*, order: Order, now: datetime | None = None) -> list[LineEligibility]:
    """Eligibility of every line of an order."""
    policy = policy_get_default()
    return [line_eligibility(policy=policy, line=line, now=now) for line in order.lines.all()]


def responsibility_for(*, reasons: Iterable[ReasonCode]) -> str:
    """The customer pays only when every line is their own choice; any fault of ours or the carrier's wins."""
    found = {reason.responsibility for reason in reasons}
    for responsibility in (Responsibility.MERCHANT, Responsibility.CARRIER):
        if responsibility in found:
            return responsibility
    return Responsibility.CUSTOMER


def fee_for(*, policy: ReturnPolicy, reasons: Iterable[ReasonCode], drop_off_method: str, resolution: str) -> Decimal:
    """The return fee by the policy's table (nothing when no row matches, or a reason makes it free)."""
    reasons = list(reasons)
    if any(reason.free_return for reason in reasons) or (resolution == Resolution.EXCHANGE and policy.free_exchanges):
        return Decimal("0.00")
    responsibility = responsibility_for(reasons=reasons)
    for fee in _fees(policy):
        if fee.responsibility == responsibility and fee.drop_off_method == drop_off_method:
            return fee.amount
    return Decimal("0.00")


@dataclass(frozen=True)
class StoreCreditOffer:
    """What a store credit worth `base` comes to under a policy: the base plus the policy's bonus."""

    base: Decimal
    bonus_percent: Decimal
    bonus: Decimal

    @property
    def amount(self) -> Decimal:
        return self.base + self.bonus


def store_credit_offer(*, policy: ReturnPolicy, base: Decimal) -> StoreCreditOffer:
    """The store credit for `base` (what a refund would be): plus the policy's bonus percentage, to the cent."""
    base = max(base, Decimal("0.00")).quantize(Decimal("0.01"))
    percent = policy.store_credit_bonus_percent or Decimal("0.00")
    bonus = (base * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return StoreCreditOffer(base=base, bonus_percent=percent, bonus=bonus)


@dataclass(frozen=True)
class MoneyTerms:
    """What a return costs and brings back, decided once at creation (and shown before it)."""

    returnless: bool  # the customer keeps the items: nothing is sent back, no label, no fee
    fee: Decimal
    refund_estimate: Decimal


def money_terms_for(
    *,
    policy: ReturnPolicy,
    value: Decimal,
    reasons: Iterable[ReasonCode],
    drop_off_method: str,
    resolution: str,
) -> MoneyTerms:
    """Whether the return is returnless, its fee and its refund estimate, for lines worth `value` in all.

    A returnless refund ships nothing, so no drop-off or label fee applies: the estimate is the price paid.
    """
    returnless = bool(
        policy.returnless_refund_below is not None
        and resolution != Resolution.EXCHANGE
        and value < policy.returnless_refund_below
    )
    if returnless:
        return MoneyTerms(returnless=True, fee=Decimal("0.00"), refund_estimate=value)
    fee = fee_for(policy=policy, reasons=reasons, drop_off_method=drop_off_method, resolution=resolution)
    estimate = Decimal("0.00") if resolution == Resolution.EXCHANGE else max(value - fee, Decimal("0.00"))
    return MoneyTerms(returnless=False, fee=fee, refund_estimate=estimate)


REVIEW_REASON_MAX_LENGTH = ReturnRequest._meta.get_field("review_reason").max_length or 200


def review_reason_for(*, policy: ReturnPolicy, return_request: ReturnRequest) -> str:
    """Why a submitted return must be looked at by a person, or "" when it can be approved now.

    A customer on the block list is always reviewed, whoever creates the return; one on the allow list (trusted)
    skips the risk, high-value and recent-returns rules, not a policy that approves nothing by itself. A customer
    whose risk score (rma.returns.risk) reaches settings.RMA_RISK_REVIEW_SCORE is reviewed, with the score's reasons,
    whether the policy approves by itself or not."""
    standing = customer_standing_for(order=return_request.order, contact_email=return_request.contact_email)
    if standing.blocked_by is not None:
        return _("Customer on the block list: %(reason)s") % {"reason": standing.blocked_by.reason}
    # The customer's history before this return (their other emails, address and phone included).
    history = None if standing.trusted else customer_history_for_return(return_request, excluding_itself=True)
    if history is not None:
        risk = risk_score(history)
        if risk.high:
            return risk.summary_within(REVIEW_REASON_MAX_LENGTH)
    if not policy.auto_approve:
        return _("Every return is reviewed under this policy.")
    if history is None:  # a trusted customer: every rule below is one they skip
        return ""
    order_total = return_request.order.total
    if policy.review_order_value_above is not None and order_total > policy.review_order_value_above:
        return _("High-value order (%(total)s).") % {"total": money(order_total, return_request.order.currency)}
    if policy.review_recent_returns:
        recent = history.returns_under(
            return_request.contact_email,
            since=timezone.now() - timedelta(days=policy.review_recent_returns_days),
            excluding=(ReturnStatus.CANCELLED,),  # drafts are not in a history
        )
        if recent >= policy.review_recent_returns:
            return ngettext(
                "The customer has %(count)d recent return.", "The customer has %(count)d recent returns.", recent
            ) % {"count": recent}
    return ""


PICKUP_SLOTS = ("08:00-12:00", "12:00-14:00", "14:00-18:00")
DROP_OFF_KIND_FOR_METHOD = {
    DropOffMethod.STORE: "store",
    DropOffMethod.RELAY_POINT: "relay_point",
    DropOffMethod.LOCKER: "locker",
    DropOffMethod.POST_OFFICE: "post_office",
}
