"""A small, realistic world for the portal's tests (server-side and browser): one order in Lyon with lines of
every kind, reason codes, a policy with fees, and drop-off points of each kind near the customer."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from rma.locations.models import DropOffPoint, PostcodePlace, Store
from rma.orders.models import Order, OrderLine
from rma.returns.choices import LegalBasis, Responsibility
from rma.returns.models import PolicyFee, PolicyWindowOverride, ReasonCode, ReturnPolicy
from tests.locations.factories import DropOffPointFactory, StoreFactory, WarehouseFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.returns.factories import ReasonCodeFactory, ReturnPolicyFactory

EMAIL = "chloe.martin@example.fr"
POSTCODE = "69003"
WEEK = {d: [["09:00", "12:30"], ["14:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}


@dataclass
class World:
    policy: ReturnPolicy
    order: Order
    shirt: OrderLine  # apparel, 2 units, other sizes in the catalogue: exchange possible
    mug: OrderLine  # home, 1 unit, no variants: refund only
    final_sale: OrderLine
    late: OrderLine  # electronics: the 14-day window of its category is closed
    too_small: ReasonCode
    damaged: ReasonCode  # requires a photo
    store: Store
    store_point: DropOffPoint
    relay: DropOffPoint
    locker: DropOffPoint
    post_office: DropOffPoint


def build_world(*, number: str = "ML100042", email: str = EMAIL) -> World:
    policy = ReturnPolicyFactory(window_days=30)
    PolicyWindowOverride.objects.create(policy=policy, category="electronics", window_days=14)
    for method, amount in (
        ("relay_point", "3.90"),
        ("locker", "3.90"),
        ("post_office", "4.90"),
        ("home_pickup", "6.90"),
    ):
        PolicyFee.objects.create(
            policy=policy, responsibility=Responsibility.CUSTOMER, drop_off_method=method, amount=Decimal(amount)
        )
    too_small = ReasonCodeFactory(code="too-small", label_fr="Trop petit", label_en="Too small", position=1)
    damaged = ReasonCodeFactory(
        code="damaged",
        label_fr="Arrivé abîmé",
        label_en="Arrived damaged",
        responsibility=Responsibility.CARRIER,
        legal_basis=LegalBasis.TRANSPORT_DAMAGE,
        requires_photo=True,
        free_return=True,
        position=2,
    )
    # Lyon 3e as La Poste's postcode file places it: an order without coordinates is located from its postcode.
    PostcodePlace.objects.get_or_create(
        postcode=POSTCODE, name="LYON", defaults={"commune": "LYON 03", "latitude": 45.7597, "longitude": 4.8422}
    )
    warehouse = WarehouseFactory(code="WH-LYS", name="Entrepôt Saint-Priest", postcode="69800", city="Saint-Priest",
                                 latitude=45.6960, longitude=4.9440)  # fmt: skip
    store = StoreFactory(
        code="LYO1", name="Maison Lumière Lyon Part-Dieu", address_line1="17 rue du Docteur Bouchut",
        postcode="69003", city="Lyon", latitude=45.7610, longitude=4.8570, default_warehouse=warehouse,
        opening_hours=WEEK,
    )  # fmt: skip
    store_point = DropOffPointFactory(
        carrier="builtin", kind="store", name=store.name, store=store, address_line1=store.address_line1,
        postcode="69003", city="Lyon", latitude=45.7610, longitude=4.8570, opening_hours=WEEK,
    )  # fmt: skip
    relay = DropOffPointFactory(
        carrier="mondial_relay", kind="relay_point", name="Tabac de la Guillotière", address_line1="4 cours Gambetta",
        postcode="69003", city="Lyon", latitude=45.7590, longitude=4.8440, label_printing=True,
        wheelchair_accessible=True,
    )  # fmt: skip
    locker = DropOffPointFactory(
        carrier="inpost", kind="locker", name="Locker Gare Part-Dieu", address_line1="5 place Charles Béraudier",
        postcode="69003", city="Lyon", latitude=45.7606, longitude=4.8597, open_24_7=True, opening_hours={},
    )  # fmt: skip
    post_office = DropOffPointFactory(
        carrier="colissimo", kind="post_office", name="La Poste Lyon Préfecture", address_line1="8 rue Servient",
        postcode="69003", city="Lyon", latitude=45.7580, longitude=4.8470,
        closures=[{"start": "2000-01-01", "end": "2000-01-02"}],
    )  # fmt: skip
    order = OrderFactory(
        number=number, customer_email=email, customer_name="Chloé Martin", address_line1="8 rue des Lilas",
        postcode=POSTCODE, city="Lyon", latitude=45.7597, longitude=4.8422,
        delivered_at=timezone.now() - timedelta(days=20), placed_at=timezone.now() - timedelta(days=23),
    )  # fmt: skip
    shirt = OrderLineFactory(
        order=order, sku="CHM-LIN-BLA-M", product_ref="CHM-LIN", name="Chemise en lin col mao", category="apparel",
        size="M", colour="blanc", quantity=2, unit_price=Decimal("59.90"),
    )  # fmt: skip
    mug = OrderLineFactory(
        order=order, sku="BOU-FIG", product_ref="", name="Bougie parfumée figuier 190 g", category="home",
        quantity=1, unit_price=Decimal("29.00"),
    )  # fmt: skip
    final_sale = OrderLineFactory(
        order=order, sku="VES-JEA-CIE-M", product_ref="VES-JEA", name="Veste en jean délavé (fin de série)",
        category="apparel", size="M", colour="bleu ciel", quantity=1, unit_price=Decimal("39.90"),
        non_returnable_reason="final_sale",
    )  # fmt: skip
    late = OrderLineFactory(
        order=order, sku="ENC-BTH-NOI", product_ref="ENC-BTH", name="Enceinte Bluetooth étanche",
        category="electronics", colour="noir", quantity=1, unit_price=Decimal("69.90"),
    )  # fmt: skip
    return World(policy, order, shirt, mug, final_sale, late, too_small, damaged, store, store_point, relay, locker,
                 post_office)  # fmt: skip
