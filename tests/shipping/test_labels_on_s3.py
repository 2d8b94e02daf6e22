"""Labels in an S3-compatible bucket (moto's server): generated into it, downloaded by scope, deleted from it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.core import roles
from rma.shipping.services import label_void, labels_purge_voided
from tests.core.factories import UserFactory
from tests.locations.factories import WarehouseFactory
from tests.objectstore import signed_download
from tests.shipping.labels import label_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shipping.urls")]


@pytest.fixture(autouse=True)
def bucket(s3_storage):
    """Before any return is made: its label is generated into the bucket."""
    return s3_storage


def _label_keys(label) -> list[str]:
    return sorted(getattr(label, kind).name for kind in ("pdf", "pdf_4x6", "zpl") if getattr(label, kind))


def test_the_label_the_service_generates_lands_in_the_bucket_and_downloads(client, shop_return, bucket):
    label = shop_return.label
    keys = _label_keys(label)

    assert keys == [
        f"labels/{label.public_id}-4x6.pdf",
        f"labels/{label.public_id}.pdf",
        f"labels/{label.public_id}.zpl",
    ]
    assert bucket.object_keys() == keys
    client.force_login(UserFactory(roles=[roles.AGENT]))
    pdf = client.get(reverse("label-pdf", kwargs={"public_id": label.public_id}), {"size": "a6"})
    zpl = client.get(reverse("label-zpl", kwargs={"public_id": label.public_id}))
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}.pdf"'
    assert label_bytes(pdf) == bucket.read(label.pdf.name)
    assert label_bytes(zpl) == bucket.read(label.zpl.name)


def test_staff_out_of_scope_get_a_404_not_the_file(client, shop_return):
    stranger = UserFactory(roles=[roles.WAREHOUSE_STAFF])
    WarehouseFactory(code="WH-X").staff.add(stranger)
    client.force_login(stranger)

    assert client.get(reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id})).status_code == 404


def test_signed_redirect_mode_gives_the_label_as_an_attachment_from_the_bucket(settings, client, shop_return, bucket):
    settings.RMA_S3_SIGNED_REDIRECT = True
    label = shop_return.label
    client.force_login(UserFactory(roles=[roles.AGENT]))

    response = client.get(reverse("label-pdf", kwargs={"public_id": label.public_id}), {"size": "4x6"})

    downloaded = signed_download(response, bucket, expire_seconds=settings.RMA_S3_URL_EXPIRE_SECONDS)
    assert downloaded.content == bucket.read(label.pdf_4x6.name)
    assert downloaded.headers["Content-Type"] == "application/pdf"
    assert downloaded.headers["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}-4x6.pdf"'


def test_the_customers_link_and_the_api_read_the_same_object(settings, shop_return, integration, bucket):
    from django.test import Client

    label = shop_return.label
    customer = Client().get(f"/r/{shop_return.public_id}/label.pdf")
    api = integration.get(f"/api/v1/returns/{shop_return.public_id}/label.zpl")

    assert label_bytes(customer) == bucket.read(label.pdf.name)
    assert label_bytes(api) == bucket.read(label.zpl.name)


def test_purging_a_voided_labels_files_deletes_the_objects(shop_return, bucket):
    label, _tell_carrier = label_void(label=shop_return.label)

    purged = labels_purge_voided(older_than=timedelta(0), now=timezone.now() + timedelta(seconds=1))

    assert purged == 1
    assert bucket.object_keys() == []
    label.refresh_from_db()
    assert _label_keys(label) == []
