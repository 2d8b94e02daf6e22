"""A fixed month of sales and returns (October 2026, Paris time) whose analytics are worked out by hand.

Orders placed on 5 October: A online (4 dresses at 50.00, 2 pairs of trainers at 100.00), B at the shop (4 dresses).
Units sold: 10 (apparel 8, footwear 2; online 6, in the shop 4).

Returns:
- R1, 10 Oct 12:00, 2 dresses of A, "too large", refund: received 14 Oct, refunded 20 Oct 09:00 (9.875 days: 10;
  6 days after receipt: within 14), label bought (5.50), fee 3.00, 5.00 deducted; its 2 units inspected: grade A
  (100 %) restocked, grade C (60 %) resold second-hand: 50.00 + 30.00 recovered of 100.00;
- R2, 11 Oct 12:00, 1 pair of trainers of A, "defective", store credit: received 15 Oct, credited 20 Nov 11:00 (40 days
  to the hour, the clocks having gone back on 25 October; 36 after receipt: late);
- R3, 12 Oct, 1 dress of B at the shop, "too large", cancelled: given up, not counted as returned;
- R4, 12 Oct 12:00, 1 dress of B at the shop, "defective", refunded without return on 13 Oct (1 day).

So: 4 units returned of 10 sold (40 %); apparel 3 of 8 (37.5 %), footwear 1 of 2 (50 %); the shop 1 of 4 (25 %).
Refunds after 1, 10 and 40 days: median 10, 9 in 10 within 40; within 14 days of receipt: 1 of 2 (R4 had none).
Cost: 5.50 + 2 × 2.00 − 3.00 − 5.00 = 1.50 for 3 returns (R3 cost nothing): 0.50 per return.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from rma.insights.rollups import all_days_rebuild
from rma.orders.choices import Channel
from rma.returns.choices import Resolution, ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.warehouse.choices import DispositionKind
from rma.warehouse.models import Disposition, Grade, GradeScale, Inspection, Refund
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

PARIS = ZoneInfo("Europe/Paris")
START, END = "2026-10-01", "2026-10-31"


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def _refund(return_request: ReturnRequest, amount: str, released: datetime, deductions: str = "0.00") -> None:
    Refund.objects.create(
        return_request=return_request,
        amount=Decimal(amount),
        currency="EUR",
        method="original_payment",
        idempotency_key=f"test-{return_request.pk}",
        breakdown={"deductions": deductions},
        released_at=released,
    )


def build(make_return, shop) -> dict[str, ReturnRequest]:
    too_large = ReasonCodeFactory(code="too-large", label_en="Too large", label_fr="Trop grand")
    defective = ReasonCodeFactory(code="defective", label_en="Defective", label_fr="Défectueux")
    online = OrderFactory(channel=Channel.WEB)
    dress_a = OrderLineFactory(order=online, sku="DRS-M", product_ref="DRS", category="apparel", quantity=4,
                               unit_price=Decimal("50.00"))  # fmt: skip
    trainers = OrderLineFactory(order=online, sku="SNK-40", product_ref="SNK", category="footwear", quantity=2,
                                unit_price=Decimal("100.00"))  # fmt: skip
    in_shop = OrderFactory(channel=Channel.STORE, store_code=shop.code)
    dress_b = OrderLineFactory(order=in_shop, sku="DRS-M", product_ref="DRS", category="apparel", quantity=4,
                               unit_price=Decimal("50.00"))  # fmt: skip
    made = {
        "r1": make_return(order_line=dress_a, quantity=2, reason=too_large),
        "r2": make_return(order_line=trainers, quantity=1, reason=defective, resolution=Resolution.STORE_CREDIT),
        "r3": make_return(order_line=dress_b, quantity=1, reason=too_large),
        "r4": make_return(order_line=dress_b, quantity=1, reason=defective),
    }
    return_request_cancel(return_request=made["r3"], actor=None)
    for order in (online, in_shop):
        type(order).objects.filter(pk=order.pk).update(placed_at=at(10, 5))
    rows = ReturnRequest.objects.filter
    rows(pk=made["r1"].pk).update(created_at=at(10, 10), status=ReturnStatus.REFUNDED, received_at=at(10, 14, 10),
                                  fee_amount=Decimal("3.00"), store=None)  # fmt: skip
    rows(pk=made["r2"].pk).update(created_at=at(10, 11), status=ReturnStatus.REFUNDED, received_at=at(10, 15),
                                  store=None)  # fmt: skip
    rows(pk=made["r3"].pk).update(created_at=at(10, 12), store=shop)
    rows(pk=made["r4"].pk).update(created_at=at(10, 12), status=ReturnStatus.REFUNDED, returnless=True, store=shop)
    _refund(made["r1"], "95.00", at(10, 20, 9), deductions="5.00")
    _refund(made["r2"], "100.00", at(11, 20, 11))
    _refund(made["r4"], "50.00", at(10, 13))
    Label.objects.filter(return_request__in=list(made.values())).delete()
    Label.objects.create(return_request=made["r1"], carrier="builtin", status=LabelStatus.READY, tracking_number="T1")
    scale = GradeScale.objects.create(category="apparel", name="Apparel")
    grade_a = Grade.objects.create(scale=scale, code="A", label_fr="A", label_en="A", recovery_percent=100)
    grade_c = Grade.objects.create(scale=scale, code="C", label_fr="C", label_en="C", recovery_percent=60)
    line = made["r1"].lines.get()
    for index, (grade, kind) in enumerate(
        [(grade_a, DispositionKind.RESTOCK), (grade_c, DispositionKind.RESELL_SECONDHAND)]
    ):
        inspection = Inspection.objects.create(
            return_line=line, unit_index=index, grade=grade, inspected_at=at(10, 14)
        )
        Disposition.objects.create(inspection=inspection, kind=kind, confirmed_at=at(10, 14))
    all_days_rebuild()
    return made
