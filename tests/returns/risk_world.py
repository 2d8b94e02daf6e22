"""A customer with a history worth a look, made through the real services, figures worked out by hand.

Chloé orders under two emails at one address (written two ways) and once more under a third email with her phone:

| order | email               | address, phone                       | lines (units × price)   |
|-------|---------------------|--------------------------------------|-------------------------|
| A     | chloe@example.fr    | 12 rue de la Paix 75002, 06 12 34 56 78 | 2 × 50.00, 1 × 100.00 |
| B     | chloe.m@other.fr    | 12, Rue de la Paix – 75 002           | 2 × 30.00               |
| C     | c.martin@example.com | 3 avenue Foch 69006, +33 6 12 34 56 78 | 1 × 80.00             |
| D     | paul@example.fr     | 9 quai Perrache 69002 (a stranger's) | 1 × 10.00               |

Her returns:
- R1 on A, both shirts (2 × 50.00): received and inspected, one unit graded C (worn), the other not the announced
  item. Outcome: inspected.
- R2 on B, 1 × 30.00: cancelled (nothing went back).
- R3 on C, 1 × 80.00: approved by the policy, label ready.
- R4 on D, the stranger's order, under her email `Chloe@Example.fr` (a gift she returned): rejected.

So: 4 returns worth 220.00 €; units bought 3 + 2 + 1 = 6 (D is not hers: only its return is, by email); units
returned 2 (R1) + 1 (R3) = 3 (R2 cancelled, R4 rejected), a rate of 50 %; 1 unit worn, 1 without its item; three
emails. The score: 30 (a unit without its item) + 25 (a worn unit) + 15 (rate 50 %, 6 units) + 10 (a rejection)
+ 10 (three emails) = 90.
"""

from dataclasses import dataclass
from decimal import Decimal

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_cancel, return_request_transition
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import Grade
from rma.warehouse.services import arrival_register, inspection_record, warehouse_reference_data_seed
from tests.helpers import staff_member
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import return_request_make


@dataclass
class RiskWorld:
    r1: ReturnRequest
    r2: ReturnRequest
    r3: ReturnRequest
    r4: ReturnRequest


def chloe_world(*, reason, relay, warehouse) -> RiskWorld:
    warehouse_reference_data_seed()
    operator = staff_member(warehouse, "alice", "warehouse_staff")
    a = OrderFactory(
        customer_email="chloe@example.fr", address_line1="12 rue de la Paix", postcode="75002",
        customer_phone="06 12 34 56 78",
    )  # fmt: skip
    a_shirt = OrderLineFactory(order=a, quantity=2, unit_price=Decimal("50.00"))
    OrderLineFactory(order=a, quantity=1, unit_price=Decimal("100.00"))
    b = OrderFactory(customer_email="chloe.m@other.fr", address_line1="12, Rue de la Paix –", postcode="75 002")
    b_line = OrderLineFactory(order=b, quantity=2, unit_price=Decimal("30.00"))
    c = OrderFactory(
        customer_email="c.martin@example.com", address_line1="3 avenue Foch", postcode="69006",
        customer_phone="+33 6 12 34 56 78",
    )  # fmt: skip
    c_line = OrderLineFactory(order=c, quantity=1, unit_price=Decimal("80.00"))
    d = OrderFactory(customer_email="paul@example.fr", address_line1="9 quai Perrache", postcode="69002")
    d_line = OrderLineFactory(order=d, quantity=1, unit_price=Decimal("10.00"))

    make = {"reason": reason, "relay": relay}
    r1 = return_request_make(
        order_line=a_shirt, quantity=2, status=ReturnStatus.IN_TRANSIT, destination=warehouse, **make
    )
    r2 = return_request_make(order_line=b_line, quantity=1, **make)
    return_request_cancel(return_request=r2)
    r3 = return_request_make(order_line=c_line, quantity=1, settle=True, **make)
    r4 = return_request_make(order_line=d_line, quantity=1, submit=False, contact_email="Chloe@Example.fr", **make)
    return_request_transition(return_request=r4, to=ReturnStatus.SUBMITTED)
    return_request_transition(return_request=r4, to=ReturnStatus.REJECTED, note="Not bought by her.")

    arrival_register(code=r1.rma_number, warehouse=warehouse, actor=operator)
    line = r1.lines.get()
    worn = Grade.objects.get(scale__category="apparel", code="C")
    inspection_record(return_line=line, unit_index=0, actor=operator, grade=worn)
    inspection_record(return_line=line, unit_index=1, actor=operator, condition=UnitCondition.WRONG_ITEM)
    for return_request in (r1, r2, r3, r4):
        return_request.refresh_from_db()
    return RiskWorld(r1=r1, r2=r2, r3=r3, r4=r4)
