"""Every model of our apps has an admin, and every admin page of our apps loads."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rma.connectors.models import InboxDelivery, ShopConnection
from rma.connectors.orders_in import order_data_apply
from rma.connectors.platforms.base import OrderData, OrderLineData
from rma.returns.customer_lists import customer_list_entry_create, customer_list_entry_update
from rma.returns.models import ReturnIntake, ReturnPhoto, ReturnRequest
from rma.returns.services import return_request_approve
from rma.shipping.carriers import TrackingEvent as CarrierEvent
from rma.shipping.models import CarrierAccount, Label
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, shipment_loose_item_add, shipment_open
from rma.shipping.services.tracking import label_tracking_apply
from rma.store.services.counter import CounterLineCheck, counter_return_check
from rma.warehouse.models import (
    Arrival,
    ChecklistItem,
    Disposition,
    DispositionRule,
    ExchangeRequest,
    Grade,
    GradeScale,
    Inspection,
    InspectionPhoto,
    Refund,
    UnexpectedParcel,
)
from rma.warehouse.services import carton_count_add, carton_count_finish, carton_receive
from rma.warehouse.services.credits import store_credit_issue, store_credit_redeem
from tests.core.admin_support import policy  # noqa: F401 - fixture
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory, StoreFactory

pytestmark = pytest.mark.django_db
POSTCODES_FILE = Path(__file__).resolve().parents[1] / "locations" / "fixtures" / "laposte_hexasmal_latlon.csv"
ADDRESSES_FILE = POSTCODES_FILE.parent / "ban_adresses_sample.csv"

OWN_APPS = ("orders", "locations", "returns", "shipping", "warehouse", "notifications", "connectors")


def rma_admins():
    """(model, model_admin) for every registered model of an rma.* app, found at run time."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_config.name.startswith("rma.")
    ]


def admin_ids():
    return [f"{model._meta.app_label}.{model._meta.model_name}" for model, _ in rma_admins()]


def build_rows(make_return, user):
    """At least one row of every model, built through the services where there is one."""
    draft = make_return(submit=False, idempotency_key=f"key-{ReturnRequest.objects.count()}", idempotency_scope="test")
    # A request accepted for later, made into a return by the worker.
    ReturnIntake.objects.create(
        actor=user, payload={"order": "shop-1"}, language="fr", status="created", http_status=201, return_request=draft
    )
    return_request = make_return(actor=user)
    line = return_request.lines.get()
    jpeg = b"\xff\xd8\xff"
    ReturnPhoto.objects.create(return_line=line, image=SimpleUploadedFile("torn.jpg", jpeg), content_type="image/jpeg")
    store = StoreFactory()
    store.staff.add(user)
    DropOffPointFactory(store=store, kind="store")
    shop_return = make_return(actor=user)
    return_request_approve(return_request=shop_return, actor=user)  # writes the customer's outbox email
    counter_return_check(
        return_request=shop_return,
        store=store,
        actor=user,
        checks=[
            CounterLineCheck(return_line_id=line.pk, condition="good", accepted=True)
            for line in shop_return.lines.all()
        ],
    )
    shipment = shipment_open(store=store, actor=user, warehouse=return_request.destination_warehouse)
    carton = carton_add(shipment=shipment, actor=user)
    shipment_loose_item_add(shipment=shipment, carton=carton, sku="SKU-1", quantity=1, kind="unsold", actor=user)
    # The warehouse receives the carton, counts one unit too many and so finishes the shipment with a discrepancy.
    shipment_close(shipment=shipment, actor=user)
    receipt = carton_receive(carton=carton, warehouse=shipment.warehouse, actor=user).receipt
    carton_count_add(receipt=receipt, code="SKU-1", quantity=2, actor=user)
    carton_count_finish(receipt=receipt, actor=user)
    # The label and warehouse services are not written yet: these rows stand in for what they will write.
    now = timezone.now()
    tracking_number = f"6A{return_request.pk:011d}"
    warehouse = return_request.destination_warehouse
    label = Label.objects.create(return_request=return_request, tracking_number=tracking_number, status="ready")
    label_tracking_apply(
        label_id=label.pk,
        events=[CarrierEvent(at=now, code="DEPOSE", description="Déposé", status="handed_over", location="Paris")],
        source="poll",
    )
    Arrival.objects.create(warehouse=warehouse, scanned_code=tracking_number, return_request=return_request)
    UnexpectedParcel.objects.create(warehouse=warehouse, scanned_code=f"X{tracking_number}")
    scale, _ = GradeScale.objects.get_or_create(category="apparel", defaults={"name": "Apparel"})
    grade, _ = Grade.objects.get_or_create(scale=scale, code="A", defaults={"label_fr": "Neuf", "label_en": "New"})
    ChecklistItem.objects.get_or_create(category="apparel", code="tags", defaults={"label_fr": "Étiquettes"})
    rule = DispositionRule.objects.create(category="apparel", reason=line.reason, disposition="recycle")
    inspection = Inspection.objects.create(return_line=line, unit_index=0, grade=grade, inspected_at=now)
    InspectionPhoto.objects.create(
        inspection=inspection, image=SimpleUploadedFile("unit.jpg", jpeg), content_type="image/jpeg"
    )
    Disposition.objects.create(inspection=inspection, kind="restock", rule=rule, confirmed_by=user, confirmed_at=now)
    Refund.objects.create(
        return_request=return_request,
        amount=return_request.refund_estimate,
        currency="EUR",
        method="original_payment",
        idempotency_key=f"refund-{return_request.pk}",
        released_by=user,
        released_at=now,
    )
    ExchangeRequest.objects.create(
        return_request=draft, idempotency_key=f"exchange-{draft.pk}", requested_by=user, requested_at=now
    )
    credit = store_credit_issue(return_request=shop_return, base=Decimal("30.00"), moment="handover", actor=user)
    store_credit_redeem(store_credit=credit, amount=Decimal("12.50"), reference=f"order-{shop_return.pk}", actor=user)
    shop_connection_rows(number=ReturnRequest.objects.count())
    # A carrier account, disabled so that it serves no label made after it.
    CarrierAccount.objects.create(
        name=f"Demo account {ReturnRequest.objects.count()}",
        carrier="builtin",
        enabled=False,
        credentials={"password": "stored-secret"},
        drop_off_methods=["relay_point"],
        countries=["FR"],
    )
    # A block list entry (someone else's: the returns above are made already), added then changed: two audit rows.
    entry = customer_list_entry_create(
        kind="block", match="email", value=f"blocked-{ReturnRequest.objects.count()}@example.com", reason="Fraud",
        actor=user,
    )  # fmt: skip
    customer_list_entry_update(entry=entry, data={"reason": "Fraud, confirmed"}, actor=user)
    # Postcode places come from La Poste's file, through the import command (idempotent: twice changes nothing).
    call_command("postcodes_import", str(POSTCODES_FILE), stdout=io.StringIO(), stderr=io.StringIO())
    # Addresses come from the Base Adresse Nationale, through their import command.
    call_command("addresses_import", str(ADDRESSES_FILE), stdout=io.StringIO(), stderr=io.StringIO())
    return return_request


def shop_connection_rows(*, number: int) -> None:
    """A shop connection with an order read from it and a webhook that could not be mapped."""
    connection = ShopConnection.objects.create(
        name=f"eu-shop-{number}", platform="woocommerce", shop_url="https://shop.example", webhook_secret="s3cret"
    )
    line = OrderLineData(line_ref="11", sku="TEE-M", name="Tee", quantity=1, unit_price=Decimal("20.00"))
    data = OrderData(
        order_ref="501",
        number=f"W{number}",
        placed_at=timezone.now(),
        updated_at=timezone.now(),
        customer_email="ana@example.com",
        currency="EUR",
        lines=[line],
    )
    order_data_apply(connection=connection, data=data)
    InboxDelivery.objects.create(
        connection=connection, delivery_id=f"d-{number}", topic="order.created", body="{", status="failed", error="x"
    )


@pytest.fixture
def world(make_return, admin_user):
    return build_rows(make_return, admin_user)


def test_every_model_of_our_apps_has_an_admin_page_or_is_an_inline():
    inline_models = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [
        model._meta.label
        for app_label in OWN_APPS
        for model in apps.get_app_config(app_label).get_models()
        if model not in admin.site._registry and model not in inline_models
    ]
    assert missing == []


def test_status_fields_are_read_only_everywhere():
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model, model_admin in rma_admins():
        if any(field.name == "status" for field in model._meta.fields):
            assert "status" in model_admin.get_readonly_fields(request), model._meta.label


@pytest.mark.parametrize(("model", "model_admin"), rma_admins(), ids=admin_ids())
def test_changelist_loads_and_searches(admin_client, world, model, model_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count()
    if model_admin.search_fields:
        assert admin_client.get(url, {"q": "R-2"}).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), rma_admins(), ids=admin_ids())
def test_add_page_loads_or_is_refused_for_service_written_rows(admin_client, admin_user, model, model_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    request = RequestFactory().get(url)
    request.user = admin_user

    response = admin_client.get(url)

    assert response.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize(("model", "model_admin"), rma_admins(), ids=admin_ids())
def test_change_page_loads(admin_client, world, model, model_admin):
    obj = model._default_manager.first()
    assert obj is not None, f"build_rows() makes no {model._meta.label}: add one"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=(obj.pk,))

    response = admin_client.get(url)

    assert response.status_code == 200


def test_drop_off_point_autocomplete_answers(admin_client, relay):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "returns", "model_name": "returnrequest", "field_name": "drop_off_point", "term": relay.city},
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(relay.pk)]


def test_no_changelist_queries_grow_with_its_rows(admin_client, admin_user, make_return):
    def measure():
        counts = {}
        for model, _ in rma_admins():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url).status_code == 200
            counts[model._meta.label] = len(queries)
        return counts

    build_rows(make_return, admin_user)
    few = measure()
    for _ in range(4):
        build_rows(make_return, admin_user)

    assert measure() == few
