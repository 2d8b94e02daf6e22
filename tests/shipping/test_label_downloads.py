"""Label files: customers through their return link, staff by scope (session), integrators through the API."""

import base64
import re
import zlib

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rma.core import roles
from rma.shipping.models import Label, LabelStatus
from tests.core.factories import UserFactory
from tests.locations.factories import StoreFactory, WarehouseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shipping.urls")]


@pytest.fixture
def shop(warehouse):
    return StoreFactory(code="ST-LYON", default_warehouse=warehouse)


@pytest.fixture
def shop_return(make_return, shop, django_capture_on_commit_callbacks):
    """A ready label on a return handled by `shop`, going to `warehouse`."""
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return(store=shop)
    return_request.refresh_from_db()
    assert return_request.label.status == LabelStatus.READY
    return return_request


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _page_size(pdf: bytes) -> tuple[int, int]:
    width, height = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf).groups()
    return round(float(width)), round(float(height))


def _page_text(pdf: bytes) -> str:
    """The strings drawn on the page: reportlab writes `(text) Tj` in ASCII85 + Flate encoded streams."""
    streams = re.findall(rb"/ASCII85Decode /FlateDecode.*?stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL)
    drawn = " ".join(
        zlib.decompress(base64.a85decode(stream.strip(), adobe=True)).decode("latin-1") for stream in streams
    )
    return " ".join(re.findall(r"\((.*?)\) Tj", drawn))


def _staff(*, role: str, site=None):
    user = UserFactory(roles=[role])
    if site is not None:
        site.staff.add(user)
    return user


def _api_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# ---- Customer link: /r/<return public id>/label.pdf


def test_the_customer_link_downloads_a_real_pdf_named_after_the_rma(client, shop_return):
    response = client.get(reverse("customer-label-pdf", kwargs={"public_id": shop_return.public_id}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    body = _content(response)
    assert body.startswith(b"%PDF")
    assert body.rstrip().endswith(b"%%EOF")
    assert _page_size(body) == (298, 420)  # A6
    text = _page_text(body)
    assert shop_return.rma_number in text
    assert shop_return.label.tracking_number in text


def test_the_customer_link_serves_the_4x6_pdf_and_the_zpl(client, shop_return):
    url = reverse("customer-label-pdf", kwargs={"public_id": shop_return.public_id})
    response = client.get(url, {"size": "4x6"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}-4x6.pdf"'
    assert _page_size(_content(response)) == (288, 432)  # 4x6 in

    response = client.get(reverse("customer-label-zpl", kwargs={"public_id": shop_return.public_id}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{shop_return.rma_number}.zpl"'
    zpl = _content(response).decode()
    assert zpl.startswith("^XA")
    assert shop_return.label.tracking_number in zpl

    assert client.get(url, {"size": "A4"}).status_code == 400


def test_the_customer_link_is_404_for_unknown_ids_and_labels_not_ready(client, shop_return, make_return):
    assert client.get("/r/00000000-0000-4000-8000-000000000000/label.pdf").status_code == 404
    assert client.get("/r/not-a-uuid/label.pdf").status_code == 404
    assert client.get(f"/r/{shop_return.label.public_id}/label.pdf").status_code == 404  # a label id is not a key

    pending = make_return()  # its task has not run
    assert client.get(f"/r/{pending.public_id}/label.pdf").status_code == 404
    Label.objects.filter(pk=shop_return.label.pk).update(status=LabelStatus.VOIDED)
    assert client.get(f"/r/{shop_return.public_id}/label.pdf").status_code == 404


# ---- Staff: /labels/<label public id>.pdf, session login, scoped


def test_anonymous_staff_urls_redirect_to_the_login(client, shop_return):
    url = reverse("label-pdf", kwargs={"public_id": shop_return.label.public_id})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("superuser", 200),
        ("agent", 200),
        ("staff_of_the_shop", 200),
        ("staff_of_the_destination_warehouse", 200),
        ("staff_of_another_shop", 404),
        ("staff_of_another_warehouse", 404),
        ("user_without_role", 404),
        ("shop_member_without_the_role", 404),
    ],
)
def test_staff_see_labels_in_their_scope_only(client, shop_return, shop, warehouse, who, expected):
    users = {
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "agent": lambda: _staff(role=roles.AGENT),
        "staff_of_the_shop": lambda: _staff(role=roles.STORE_STAFF, site=shop),
        "staff_of_the_destination_warehouse": lambda: _staff(role=roles.WAREHOUSE_STAFF, site=warehouse),
        "staff_of_another_shop": lambda: _staff(role=roles.STORE_STAFF, site=StoreFactory(code="ST-AUTRE")),
        "staff_of_another_warehouse": lambda: _staff(role=roles.WAREHOUSE_STAFF, site=WarehouseFactory(code="WH-X")),
        "user_without_role": lambda: UserFactory(),
        "shop_member_without_the_role": lambda: _staff(role=roles.WAREHOUSE_STAFF, site=shop),
    }
    client.force_login(users[who]())
    label = shop_return.label

    for name, query in (("label-pdf", {}), ("label-pdf", {"size": "4x6"}), ("label-zpl", {})):
        response = client.get(reverse(name, kwargs={"public_id": label.public_id}), query)
        assert response.status_code == expected, (name, query)
        if expected == 200:
            assert response["Content-Disposition"].startswith(f'attachment; filename="{shop_return.rma_number}')
            assert _content(response)[:4] in (b"%PDF", b"^XA\n")


def test_staff_get_404_for_an_unknown_label(client, shop_return):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/labels/00000000-0000-4000-8000-000000000000.pdf").status_code == 404
    assert client.get(f"/labels/{shop_return.public_id}.pdf").status_code == 404  # a return id is not a label id


# ---- API: /api/v1/returns/<return public id>/label/ and label.pdf / label.zpl


def test_the_api_shows_the_label_with_links_to_its_files(shop_return):
    client = _api_client(UserFactory(roles=[roles.INTEGRATION]))
    label = shop_return.label

    response = client.get(f"/api/v1/returns/{shop_return.public_id}/label/")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ready"
    assert data["tracking_number"] == label.tracking_number
    assert data["carrier"] == "builtin"
    assert data["rma_number"] == shop_return.rma_number
    assert data["qr_payload"] == label.qr_payload
    base = f"http://testserver/api/v1/returns/{shop_return.public_id}"
    assert data["links"] == {
        "pdf_a6": f"{base}/label.pdf",
        "pdf_4x6": f"{base}/label.pdf?size=4x6",
        "zpl": f"{base}/label.zpl",
    }

    pdf = client.get(data["links"]["pdf_4x6"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert _content(pdf).startswith(b"%PDF")
    zpl = client.get(data["links"]["zpl"])
    assert zpl.status_code == 200
    assert _content(zpl).startswith(b"^XA")


def test_the_api_says_when_the_label_is_not_ready(make_return):
    pending = make_return()
    client = _api_client(UserFactory(roles=[roles.AGENT]))

    response = client.get(f"/api/v1/returns/{pending.public_id}/label/")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["links"] is None

    response = client.get(f"/api/v1/returns/{pending.public_id}/label.pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "label_not_ready"


def test_the_api_hides_labels_out_of_scope_and_refuses_anonymous_callers(shop_return):
    outsider = _api_client(_staff(role=roles.STORE_STAFF, site=StoreFactory(code="ST-AUTRE")))
    for path in ("label/", "label.pdf", "label.zpl"):
        response = outsider.get(f"/api/v1/returns/{shop_return.public_id}/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"

    insider = _api_client(_staff(role=roles.WAREHOUSE_STAFF, site=shop_return.destination_warehouse))
    assert insider.get(f"/api/v1/returns/{shop_return.public_id}/label/").status_code == 200
    assert insider.get("/api/v1/returns/not-a-uuid/label/").status_code == 404
    bad_size = insider.get(f"/api/v1/returns/{shop_return.public_id}/label.pdf?size=a4")
    assert bad_size.status_code == 400
    assert bad_size.json()["error"]["code"] == "invalid"

    anonymous = APIClient().get(f"/api/v1/returns/{shop_return.public_id}/label/")
    assert anonymous.status_code == 401
    assert re.fullmatch(r"not_authenticated|authentication_failed", anonymous.json()["error"]["code"])


def test_a_return_without_a_label_is_404_in_the_api(make_return):
    draft = make_return(submit=False)
    client = _api_client(UserFactory(roles=[roles.AGENT]))
    assert client.get(f"/api/v1/returns/{draft.public_id}/label/").status_code == 404
