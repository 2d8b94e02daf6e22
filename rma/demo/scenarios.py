"""The demo returns' scenarios: how many end in each status, which orders suit each, and the variants that go
through review, the counter, a home pickup, store credit or a worn unit (played by rma.demo.returns)."""

from dataclasses import dataclass

from rma.demo import geography as geo
from rma.returns.choices import Resolution, ReturnStatus
from rma.warehouse.choices import UnitCondition

S = ReturnStatus

# How many demo returns end in each status. "submitted" is missing on purpose: submitting approves a return or
# sends it to review in the same transaction, so no real return rests in it.
RETURN_SCENARIOS: tuple[tuple[str, int], ...] = (
    (S.DRAFT, 2),
    (S.NEEDS_REVIEW, 2),
    (S.APPROVED, 3),
    (S.REJECTED, 2),
    (S.LABEL_READY, 3),
    (S.IN_TRANSIT, 3),
    (S.RECEIVED, 2),
    (S.INSPECTED, 2),
    (S.REFUNDED, 3),
    (S.EXCHANGED, 2),
    (S.CLOSED, 3),
    (S.CANCELLED, 2),
    (S.EXPIRED, 2),
)
# Which delivered orders suit each final status best (age of the delivery in days); big baskets go to review.
YOUNG, MIDDLE, OLD = (1, 9), (3, 25), (17, 26)
SCENARIO_AGES: dict[str, tuple[int, int]] = {
    S.DRAFT: YOUNG,
    S.NEEDS_REVIEW: YOUNG,
    S.APPROVED: YOUNG,
    S.LABEL_READY: YOUNG,
    S.CANCELLED: YOUNG,
    S.REJECTED: (8, 28),
    S.IN_TRANSIT: (2, 8),
    S.RECEIVED: (3, 12),
    S.EXPIRED: OLD,
}
REVIEWED_STATUSES = (S.NEEDS_REVIEW, S.REJECTED)
# (status, variant) of the scenario that goes through review and is approved by an agent.
APPROVED_AFTER_REVIEW = (S.LABEL_READY, 2)
# Worth less than the returnless threshold: the customer keeps the item, no label is made, and the approval
# releases the refund at once (they end "refunded"; variant 2 as store credit).
RETURNLESS = frozenset({(S.APPROVED, 0), (S.APPROVED, 2)})
# Started by the shop's staff at their counter (the counter service), then handed in there.
COUNTER_STARTED = frozenset({(S.IN_TRANSIT, 0), (S.REFUNDED, 0)})
# Started on the portal for a drop-off at a shop, then refused at its counter (every line): cancelled.
COUNTER_REFUSED = (S.CANCELLED, 1)
HOME_PICKUPS = frozenset({(S.APPROVED, 1), (S.LABEL_READY, 1)})
# Dropped at the warehouse's dock without any carrier scan: the arrival puts it in transit and received at once.
RECEIVED_WITHOUT_TRANSIT_SCAN = (S.RECEIVED, 1)
# The unit is worn: grade C, which deducts under the right of withdrawal. Clothes or shoes, which keep some value
# when worn (an opened beauty product's grade C recovers nothing, which would make a refund of zero).
WORN = (S.REFUNDED, 1)
WEARABLE = frozenset({"apparel", "footwear"})
# What the warehouse found in the parcels of closed returns (nothing acceptable: no refund).
REFUSED_CONDITIONS = {0: UnitCondition.MISSING, 1: UnitCondition.WRONG_ITEM, 2: UnitCondition.MISSING}
STORE_CREDIT_VARIANT = 2

COMMENTS = {
    "too-small": ("Taille un peu juste aux épaules.", "Je fais habituellement du M, ce modèle taille petit."),
    "too-large": ("Trop ample pour moi.", "La pointure est grande, il me faudrait une taille en dessous."),
    "changed-mind": ("La couleur ne me plaît pas en vrai.", ""),
    "not-as-described": ("La matière n'est pas celle annoncée sur la fiche produit.",),
    "defective": ("Ne s'allume plus après deux jours.", "Couture défaite dès le premier lavage."),
    "damaged-in-transit": ("Colis écrasé, article abîmé à la livraison.",),
    "wrong-item": ("J'ai reçu un autre coloris que celui commandé.",),
    "arrived-too-late": ("Livré après l'événement pour lequel je l'avais commandé.",),
    "better-price": ("",),
    "ordered-several-sizes": ("J'avais commandé deux tailles, je garde l'autre.",),
    "other": ("Cadeau en double.",),
}


def exchange_sku_for(sku: str) -> str:
    """Another size (or colour) of the same product at the same price, "" when the catalogue has none."""
    found = geo.product_for_sku(sku)
    if found is None:
        return ""
    product, variant = found
    # At the same price: the default policy refuses an exchange for a dearer or cheaper variant.
    others = [other for other in product["variants"] if other["sku"] != sku and other["price"] == variant["price"]]
    same_colour = [other for other in others if other["colour"] == variant["colour"]]
    return (same_colour or others or [{"sku": ""}])[0]["sku"]


@dataclass(frozen=True)
class Scenario:
    status: str
    variant: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.status, self.variant)

    @property
    def big(self) -> bool:
        return self.status in REVIEWED_STATUSES or self.key == APPROVED_AFTER_REVIEW

    @property
    def returnless(self) -> bool:
        return self.key in RETURNLESS

    @property
    def resolution(self) -> str:
        if self.status == S.EXCHANGED:
            return Resolution.EXCHANGE
        return Resolution.STORE_CREDIT if self.variant == STORE_CREDIT_VARIANT else Resolution.REFUND
