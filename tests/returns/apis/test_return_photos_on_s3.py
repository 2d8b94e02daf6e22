"""Customers' photos in an S3-compatible bucket (moto's server): stored private, served only after the scope check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rma.core import roles
from rma.returns.models import ReturnPhoto
from tests.conftest import client_for
from tests.core.factories import UserFactory
from tests.core.pictures import jpeg_with_gps
from tests.objectstore import signed_download
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bucket(s3_storage):
    return s3_storage


@pytest.fixture
def photo(integration, policy, warehouse, relay, order_line):
    ReasonCodeFactory(code="damaged", label_fr="Arrivé abîmé", label_en="Arrived damaged", requires_photo=True)
    body = {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "damaged"}],
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
    }
    draft = integration.post("/api/v1/returns/", body, format="json").json()
    url = f"/api/v1/returns/{draft['public_id']}/lines/L1/photos/"
    response = integration.post(
        url, {"photo": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps())}, format="multipart"
    )
    assert response.status_code == 201
    return response.json()


def test_an_uploaded_photo_lands_in_the_bucket_and_reads_back_through_the_api(integration, photo, bucket):
    stored = ReturnPhoto.objects.get()
    assert bucket.object_keys() == [stored.image.name]
    assert stored.image.name.startswith("returns/photos/")

    served = integration.get(photo["url"])

    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == "inline"
    assert served["Content-Security-Policy"].endswith("sandbox")
    assert b"".join(served.streaming_content) == bucket.read(stored.image.name)
    # The answer names no storage address: only our own URL, which checks who asks.
    assert bucket.store.endpoint_url not in str(photo)


def test_someone_out_of_scope_gets_nothing_from_the_bucket(photo, other_warehouse, nobody, anonymous):
    elsewhere = UserFactory(username="wh-lyon", roles=[roles.WAREHOUSE_STAFF])
    other_warehouse.staff.add(elsewhere)

    assert client_for(elsewhere).get(photo["url"]).status_code == 404
    assert nobody.get(photo["url"]).status_code == 403
    assert anonymous.get(photo["url"]).status_code == 401


def test_signed_redirect_mode_sends_the_viewer_to_a_short_lived_url_of_the_picture(
    settings, integration, photo, bucket, other_warehouse
):
    settings.RMA_S3_SIGNED_REDIRECT = True
    settings.RMA_S3_URL_EXPIRE_SECONDS = 60
    stored = ReturnPhoto.objects.get()

    response = integration.get(photo["url"])

    downloaded = signed_download(response, bucket, expire_seconds=60)
    assert downloaded.content == bucket.read(stored.image.name)
    assert downloaded.headers["Content-Type"] == "image/jpeg"
    assert downloaded.headers["Content-Disposition"] == "inline"
    assert response["Referrer-Policy"] == "no-referrer"
    # The scope check still comes first: no redirect for someone out of scope.
    elsewhere = UserFactory(username="wh-lyon", roles=[roles.WAREHOUSE_STAFF])
    other_warehouse.staff.add(elsewhere)
    assert client_for(elsewhere).get(photo["url"]).status_code == 404


def test_a_photo_gone_from_the_bucket_is_a_404_in_both_modes(settings, integration, photo, bucket):
    bucket.store.client().delete_object(Bucket=bucket.name, Key=ReturnPhoto.objects.get().image.name)

    assert integration.get(photo["url"]).status_code == 404
    settings.RMA_S3_SIGNED_REDIRECT = True
    assert integration.get(photo["url"]).status_code == 404
