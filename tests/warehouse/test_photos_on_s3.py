"""Inspection photos through the warehouse API into an S3-compatible bucket (moto's server), served by scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rma.warehouse.models import InspectionPhoto
from rma.warehouse.services import arrival_register
from tests.core.pictures import picture
from tests.objectstore import signed_download

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(make_return, operator):
    return_request = make_return()
    arrival_register(code=return_request.rma_number, warehouse=return_request.destination_warehouse, actor=operator)
    return return_request


def test_an_inspection_photo_goes_to_the_bucket_and_only_the_warehouse_sees_it(
    settings, client, s3_storage, warehouse_staff, operator, outsider, received
):
    line = received.lines.get()
    response = warehouse_staff.post(
        f"/api/v1/warehouse/returns/{received.public_id}/units/inspect/",
        {"line_id": line.pk, "unit": 1, "grade": "A", "photos": [SimpleUploadedFile("u.png", picture("PNG"))]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    photo = InspectionPhoto.objects.get()
    assert photo.image.name in s3_storage.object_keys()
    (link,) = response.json()["unit"]["inspection"]["photos"]
    assert link == reverse(
        "warehouse:inspection-photo", kwargs={"public_id": received.public_id, "photo_id": photo.pk}
    )

    client.force_login(operator)
    served = client.get(link)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == s3_storage.read(photo.image.name)
    settings.RMA_S3_SIGNED_REDIRECT = True
    downloaded = signed_download(client.get(link), s3_storage, expire_seconds=settings.RMA_S3_URL_EXPIRE_SECONDS)
    assert downloaded.content == s3_storage.read(photo.image.name)
    assert downloaded.headers["Content-Type"] == photo.content_type

    client.force_login(outsider)
    assert client.get(link).status_code == 404
