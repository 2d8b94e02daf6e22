"""factory_boy factories shared by the whole suite."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from rma.locations.models import DropOffPoint, Store, Warehouse
from rma.orders.models import Order, OrderLine
from rma.returns.choices import LegalBasis, Responsibility
from rma.returns.models import ReasonCode, ReturnPolicy

User = get_user_model()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("demo-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Entrepôt {o.code}")
    address_line1 = "ZAC des Portes"
    postcode = "77550"
    city = "Moissy-Cramayel"
    latitude = 48.6261
    longitude = 2.5931


class StoreFactory(DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ST{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Boutique {o.code}")
    address_line1 = "10 rue de Rivoli"
    postcode = "75001"
    city = "Paris"
    latitude = 48.8606
    longitude = 2.3376
    default_warehouse = factory.SubFactory(WarehouseFactory)


class DropOffPointFactory(DjangoModelFactory):
    class Meta:
        model = DropOffPoint

    carrier = "mondial_relay"
    carrier_point_id = factory.Sequence(lambda n: f"FR-{n:06d}")
    kind = "relay_point"
    name = factory.Sequence(lambda n: f"Tabac Presse {n}")
    address_line1 = "3 rue de la République"
    postcode = "69001"
    city = "Lyon"
    latitude = 45.7640
    longitude = 4.8357
    opening_hours = factory.LazyFunction(
        lambda: {d: [["09:00", "12:30"], ["14:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    )


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    external_id = factory.Sequence(lambda n: f"shop-{n}")
    number = factory.Sequence(lambda n: f"ML{100000 + n}")
    customer_email = factory.Sequence(lambda n: f"client{n}@example.fr")
    customer_name = "Chloé Martin"
    address_line1 = "8 rue des Lilas"
    postcode = "69003"
    city = "Lyon"
    latitude = 45.7597
    longitude = 4.8422
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=12))
    delivered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    external_id = factory.Sequence(lambda n: f"line-{n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "Chemise en lin"
    category = "apparel"
    quantity = 2
    unit_price = Decimal("49.90")


class ReasonCodeFactory(DjangoModelFactory):
    class Meta:
        model = ReasonCode
        django_get_or_create = ("code",)

    code = "too-small"
    label_fr = "Trop petit"
    label_en = "Too small"
    responsibility = Responsibility.CUSTOMER
    legal_basis = LegalBasis.WITHDRAWAL


class ReturnPolicyFactory(DjangoModelFactory):
    class Meta:
        model = ReturnPolicy

    name = "Standard"
    is_default = True
