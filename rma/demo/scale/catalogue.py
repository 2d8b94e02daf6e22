"""What the scale data set sells, how its units are disposed of, and who its events name."""

from decimal import Decimal

from rma.orders.choices import Category
from rma.returns.choices import ReturnStatus
from rma.warehouse.choices import DispositionKind

S = ReturnStatus

# Products sold: (name, category, price, sizes).
CATALOGUE: tuple[tuple[str, str, Decimal, tuple[str, ...]], ...] = (
    ("Robe en lin", Category.APPAREL, Decimal("79.00"), ("XS", "S", "M", "L", "XL")),
    ("Chemise oxford", Category.APPAREL, Decimal("49.90"), ("S", "M", "L", "XL")),
    ("Jean droit", Category.APPAREL, Decimal("69.00"), ("36", "38", "40", "42", "44")),
    ("Baskets cuir", Category.FOOTWEAR, Decimal("119.00"), ("38", "39", "40", "41", "42", "43")),
    ("Bottines", Category.FOOTWEAR, Decimal("149.00"), ("37", "38", "39", "40", "41")),
    ("Casque audio", Category.ELECTRONICS, Decimal("199.00"), ("",)),
    ("Lampe de chevet", Category.HOME, Decimal("39.90"), ("",)),
    ("Coussin velours", Category.HOME, Decimal("24.90"), ("",)),
    ("Crème visage", Category.BEAUTY, Decimal("29.00"), ("",)),
)
# Units that go through an operator's hands: which are restocked, which need work.
DISPOSITIONS: tuple[tuple[str, int], ...] = (
    (DispositionKind.RESTOCK, 80),
    (DispositionKind.RESTOCK_OPEN_BOX, 12),
    (DispositionKind.REFURBISH, 8),
)
DEAD_EMAIL_SHARE = 0.003
# Who made each move, as the events name them (no user: the data set has no staff accounts).
ACTOR_LABELS: dict[str, str] = {
    S.DRAFT: "customer",
    S.SUBMITTED: "customer",
    S.NEEDS_REVIEW: "policy",
    S.APPROVED: "policy",
    S.IN_TRANSIT: "carrier",
    S.RECEIVED: "warehouse",
    S.INSPECTED: "warehouse",
    S.REFUNDED: "warehouse",
    S.EXCHANGED: "warehouse",
}
