"""A closed shipment's documents (manifest, carriers' carton labels) in an S3-compatible bucket (moto's server)."""

import pytest
from django.test import Client
from django.urls import reverse

from rma.core.queue import enqueue_on_commit
from rma.shipping.models import Carton, Shipment
from rma.shipping.services.shipment_handover import shipment_close
from rma.shipping.services.shipments import carton_add, carton_weight_set, shipment_open, shipment_return_add
from rma.shipping.shipment_tasks import shipment_documents_generate_task
from tests.objectstore import signed_download
from tests.store.test_apis import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/store"


@pytest.fixture
def closed(s3_storage, store, clerk, make_return, hand_in, django_capture_on_commit_callbacks):
    """A shipment closed at `store`, whose documents the (eager) worker made into the bucket."""
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipment_open(store=store, actor=clerk)
        carton = carton_add(shipment=shipment, actor=clerk)
        handed = hand_in(make_return(quantity=1))
        shipment_return_add(shipment=shipment, carton=carton, code=handed.rma_number, actor=clerk)
        carton_weight_set(carton=carton, weight_grams=900, actor=clerk)
        shipment_close(shipment=shipment, actor=clerk)
        enqueue_on_commit(shipment_documents_generate_task, shipment.pk)  # as the close view does
    shipment.refresh_from_db()
    assert shipment.documents_ready_at is not None
    return shipment


def test_the_manifest_and_carton_labels_land_in_the_bucket_and_download(closed, clerk, s3_storage):
    carton = Carton.objects.get(shipment=closed)
    prefix = f"shipments/{closed.public_id}/"
    documents = [closed.manifest_pdf.name, closed.manifest_csv.name, carton.label_pdf.name, carton.label_zpl.name]

    assert sorted(documents) == [key for key in s3_storage.object_keys() if key.startswith(prefix)]
    api = client_for(clerk)
    base = f"{API}/shipments/{closed.public_id}"
    for url, name in (
        (f"{base}/manifest.pdf", closed.manifest_pdf.name),
        (f"{base}/manifest.csv", closed.manifest_csv.name),
        (f"{base}/cartons/1/label.zpl", carton.label_zpl.name),
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == s3_storage.read(name)
    page = Client()
    page.force_login(clerk)
    manifest_page = page.get(reverse("store:manifest", kwargs={"public_id": closed.public_id, "extension": "pdf"}))
    assert manifest_page.status_code == 200
    assert b"".join(manifest_page.streaming_content) == s3_storage.read(closed.manifest_pdf.name)


def test_another_shop_gets_a_404_for_the_documents(closed, other_clerk):
    api = client_for(other_clerk)

    assert api.get(f"{API}/shipments/{closed.public_id}/manifest.pdf").status_code == 404
    assert api.get(f"{API}/shipments/{closed.public_id}/cartons/1/label.pdf").status_code == 404


def test_signed_redirect_mode_sends_the_shop_to_the_manifest_in_the_bucket(settings, closed, clerk, s3_storage):
    settings.RMA_S3_SIGNED_REDIRECT = True

    response = client_for(clerk).get(f"{API}/shipments/{closed.public_id}/manifest.csv")

    downloaded = signed_download(response, s3_storage, expire_seconds=settings.RMA_S3_URL_EXPIRE_SECONDS)
    assert downloaded.content == s3_storage.read(closed.manifest_csv.name)
    assert downloaded.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert downloaded.headers["Content-Disposition"] == f'inline; filename="{closed.number}-manifest.csv"'


def test_making_the_documents_again_deletes_the_first_manifest_objects(closed, s3_storage):
    from rma.shipping.services.shipment_documents import shipment_documents_generate

    again = shipment_documents_generate(shipment_id=closed.pk)

    manifests = [key for key in s3_storage.object_keys() if "-manifest" in key]
    assert sorted(manifests) == sorted([again.manifest_pdf.name, again.manifest_csv.name])
    assert Shipment.objects.get(pk=closed.pk).manifest_pdf.name == again.manifest_pdf.name
