"""Photo evidence through the API: a reason that requires a photo holds as it does in the portal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPhoto, ReturnRequest
from tests.core.pictures import GPS_IFD, heic_header_then_html, jpeg_with_gps, picture, png_144_megapixels, real_heic
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def damaged(db):
    return ReasonCodeFactory(code="damaged", label_fr="Arrivé abîmé", label_en="Arrived damaged", requires_photo=True)


@pytest.fixture
def body(policy, warehouse, relay, order_line, damaged):
    return {
        "order": "shop-1",
        "lines": [{"order_line": "L1", "quantity": 1, "reason": "damaged"}],
        "drop_off": {"method": "relay_point", "point_id": relay.pk},
    }


@pytest.fixture
def draft(integration, body):
    response = integration.post("/api/v1/returns/", body, format="json")
    assert response.status_code == 201
    return response.json()


def upload(client, draft, content: bytes, name: str = "IMG_0001.jpg", order_line: str = "L1"):
    url = f"/api/v1/returns/{draft['public_id']}/lines/{order_line}/photos/"
    return client.post(url, {"photo": SimpleUploadedFile(name, content)}, format="multipart")


def submit(client, draft):
    return client.post(f"/api/v1/returns/{draft['public_id']}/submit/")


def test_create_and_submit_at_once_without_the_photo_is_refused_and_creates_nothing(integration, body):
    response = integration.post("/api/v1/returns/", {**body, "submit": True}, format="json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "photo_required"
    assert error["details"]["lines"]["L1"]["code"] == "photo_required"
    assert "Arrivé abîmé" in error["message"]
    assert not ReturnRequest.objects.exists()


def test_submitting_a_draft_without_the_photo_is_refused(integration, draft):
    response = submit(integration, draft)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_required"
    assert list(response.json()["error"]["details"]["lines"]) == ["L1"]
    assert ReturnRequest.objects.get().status == ReturnStatus.DRAFT


def test_draft_then_photo_then_submit(integration, draft):
    response = upload(integration, draft, jpeg_with_gps())

    assert response.status_code == 201
    photo = response.json()
    assert photo["order_line"] == "L1"
    assert photo["content_type"] == "image/jpeg"
    assert photo["url"] == f"/api/v1/returns/{draft['public_id']}/photos/{photo['id']}/"

    response = submit(integration, draft)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == ReturnStatus.APPROVED
    assert [p["id"] for p in data["lines"][0]["photos"]] == [photo["id"]]

    # What is stored and served is the picture without where it was taken.
    served = integration.get(photo["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == "inline"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "private" in served["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as stored:
        assert not stored.getexif().get_ifd(GPS_IFD)


def test_a_heic_photo_is_stored_as_jpeg(integration, draft):
    response = upload(integration, draft, real_heic(), "IMG_0003.HEIC")
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/jpeg"
    assert ReturnPhoto.objects.get().image.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (heic_header_then_html(), "x.heic", "not_an_image"),
        (png_144_megapixels(), "scan.png", "too_many_pixels"),
        (b"%PDF-1.7", "invoice.pdf", "not_an_image"),
        (picture("GIF"), "anim.gif", "bad_type"),
    ],
)
def test_anything_but_a_real_picture_is_refused_with_json(integration, draft, content, name, code):
    response = upload(integration, draft, content, name)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert name in error["message"]
    assert not ReturnPhoto.objects.exists()


def test_a_request_without_a_file_is_400(integration, draft):
    url = f"/api/v1/returns/{draft['public_id']}/lines/L1/photos/"
    response = integration.post(url, {}, format="multipart")
    assert response.status_code == 400
    assert "photo" in response.json()["error"]["details"]


def test_at_most_the_photos_allowed_per_line(integration, draft, settings):
    settings.RMA_PHOTOS_PER_LINE = 1
    assert upload(integration, draft, picture()).status_code == 201
    response = upload(integration, draft, picture())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_photos"


def test_photos_go_to_drafts_only(integration, draft):
    upload(integration, draft, picture())
    submit(integration, draft)

    response = upload(integration, draft, picture())

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_draft"


def test_an_unknown_line_or_return_is_404(integration, draft):
    assert upload(integration, draft, picture(), order_line="nope").status_code == 404
    OrderLineFactory(external_id="L9")  # a line of another order
    assert upload(integration, draft, picture(), order_line="L9").status_code == 404
    assert upload(integration, {"public_id": "0b6f8c5e-3f0c-4d7e-9a51-6f7a2b1c9d40"}, picture()).status_code == 404


def test_the_token_scope_applies(draft, store_staff, warehouse_staff, anonymous):
    # A shop's staff see only their shops' returns (this one goes to a relay point): unknown to them.
    assert upload(store_staff, draft, picture()).status_code == 404
    # Warehouse staff read returns but do not write them.
    assert upload(warehouse_staff, draft, picture()).status_code == 403
    assert upload(anonymous, draft, picture()).status_code == 401


def test_photos_are_served_to_those_who_may_read_the_return_only(
    integration, draft, warehouse_staff, agent, store_staff, other_warehouse, anonymous
):
    url = upload(integration, draft, picture()).json()["url"]

    assert warehouse_staff.get(url).status_code == 200  # the return goes to their warehouse
    assert agent.get(url).status_code == 200
    assert store_staff.get(url).status_code == 404
    assert anonymous.get(url).status_code == 401
    ReturnRequest.objects.update(destination_warehouse=other_warehouse)
    assert warehouse_staff.get(url).status_code == 404


def test_a_json_body_is_415_json(integration, draft):
    url = f"/api/v1/returns/{draft['public_id']}/lines/L1/photos/"
    response = integration.post(url, {"photo": "aGVsbG8="}, format="json")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
