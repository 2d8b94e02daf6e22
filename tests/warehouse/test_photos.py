"""Staff can see the pictures: the customer's photos on the warehouse's pages, every photo through a view that
checks who asks (DEBUG is off in the test settings, as in production), and no /media/ URL anywhere."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from rma.returns.models import ReturnPhoto
from rma.warehouse.models import Grade, InspectionPhoto
from rma.warehouse.services import arrival_register, inspection_record
from tests.core.factories import UserFactory
from tests.core.pictures import GPS_IFD, checked, jpeg_with_gps, picture
from tests.helpers import staff_member
from tests.locations.factories import StoreFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def damaged(db):
    return ReasonCodeFactory(code="damaged", label_fr="Arrivé abîmé", label_en="Arrived damaged", requires_photo=True)


@pytest.fixture
def with_photo(make_return, damaged, operator):
    """A return with the customer's photo, received at `warehouse`."""
    line = OrderLineFactory(quantity=2, name="Chemise en lin", sku="CHM-LIN-BLA-M")
    return_request = make_return(order_line=line, reason=damaged, photos={line.pk: [checked(jpeg_with_gps())]})
    arrival_register(code=return_request.rma_number, warehouse=return_request.destination_warehouse, actor=operator)
    return return_request


def photo_url(return_request) -> str:
    photo = ReturnPhoto.objects.get(return_line__return_request=return_request)
    return reverse("return-photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})


def test_the_return_page_shows_the_customers_photos_and_the_operator_opens_them(
    client, operator, with_photo, settings
):
    assert settings.DEBUG is False
    client.force_login(operator)
    page = client.get(reverse("warehouse:return", args=[with_photo.public_id])).content.decode()
    url = photo_url(with_photo)
    assert f'href="{url}"' in page
    assert f'src="{url}"' in page
    assert "/media/" not in page

    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == "inline"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as stored:
        stored.load()
        assert not stored.getexif().get_ifd(GPS_IFD)


def test_the_unit_page_shows_the_customers_photos(client, operator, with_photo):
    client.force_login(operator)
    line = with_photo.lines.get()
    page = client.get(reverse("warehouse:unit-inspect", args=[with_photo.public_id, line.pk, 1])).content.decode()
    assert f'src="{photo_url(with_photo)}"' in page
    assert "/media/" not in page


def test_who_may_open_a_customers_photo(client, with_photo, outsider):
    url = photo_url(with_photo)
    # An operator of another warehouse, a shop that does not handle it, a customer-service agent, a stranger.
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(staff_member(StoreFactory(code="NAN-01"), "zoe", "store_staff"))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="claire", roles=["agent"]))
    assert client.get(url).status_code == 200
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    # The file's storage path is no URL at all.
    assert Client().get("/media/" + ReturnPhoto.objects.get().image.name).status_code == 404


def test_inspection_photos_are_served_by_scope_not_by_media_url(client, operator, outsider, with_photo):
    line = with_photo.lines.get()
    inspection_record(
        return_line=line,
        unit_index=0,
        actor=operator,
        grade=Grade.objects.get(scale__category="apparel", code="A"),
        photos=[SimpleUploadedFile("unit.jpg", jpeg_with_gps())],
    )
    photo = InspectionPhoto.objects.get()
    url = reverse("warehouse:inspection-photo", kwargs={"public_id": with_photo.public_id, "photo_id": photo.pk})
    assert photo.content_type == "image/jpeg"
    assert b"PhoneMaker" not in photo.image.read()

    client.force_login(operator)
    page = client.get(reverse("warehouse:unit-inspect", args=[with_photo.public_id, line.pk, 1])).content.decode()
    assert f'href="{url}"' in page
    assert "/media/" not in page
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"

    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_inspection_api_links_to_the_scoped_view(warehouse_staff, operator, with_photo):
    line = with_photo.lines.get()
    response = warehouse_staff.post(
        f"/api/v1/warehouse/returns/{with_photo.public_id}/units/inspect/",
        {"line_id": line.pk, "unit": 1, "grade": "A", "photos": [SimpleUploadedFile("u.png", picture("PNG"))]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    (link,) = response.json()["unit"]["inspection"]["photos"]
    assert link.startswith(f"/warehouse/returns/{with_photo.public_id}/inspection-photos/")
    assert warehouse_staff.get(link).status_code in (200, 302)  # a page URL: session login, not the token


def test_the_admin_links_photos_to_the_scoped_view(client, with_photo):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:returns_returnrequest_change", args=(with_photo.pk,))).content.decode()
    assert photo_url(with_photo) in page
    assert "/media/" not in page


def test_the_admin_shows_no_media_url_for_label_files(client, make_return):
    from rma.shipping.models import Label
    from rma.shipping.services import label_generate

    return_request = make_return()
    label = label_generate(label_id=Label.objects.get(return_request=return_request).pk)
    assert label.pdf
    assert label.zpl
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:shipping_label_change", args=(label.pk,))).content.decode()
    assert "/media/" not in page
    assert reverse("label-pdf", kwargs={"public_id": label.public_id}) in page
