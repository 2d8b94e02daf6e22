"""Label files: staff by scope (session), integrators through the API (customers: tests/portal)."""

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rma.core import roles
from tests.core.factories import UserFactory
from tests.locations.factories import StoreFactory, WarehouseFactory
from tests.shipping.labels import label_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shipping.urls")]


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
            assert label_bytes(response)[:4] in (b"%PDF", b"^XA\n")


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
    assert label_bytes(pdf).startswith(b"%PDF")
    zpl = client.get(data["links"]["zpl"])
    assert zpl.status_code == 200
    assert label_bytes(zpl).startswith(b"^XA")


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
    for size in ("a4", "", "A6", " 4x6"):  # the API takes the documented values only
        bad_size = insider.get(f"/api/v1/returns/{shop_return.public_id}/label.pdf", {"size": size})
        assert bad_size.status_code == 400, size
        assert bad_size.json()["error"]["code"] == "invalid"

    anonymous = APIClient().get(f"/api/v1/returns/{shop_return.public_id}/label/")
    assert anonymous.status_code == 401
    assert re.fullmatch(r"not_authenticated|authentication_failed", anonymous.json()["error"]["code"])


def test_a_return_without_a_label_is_404_in_the_api(make_return):
    draft = make_return(submit=False)
    client = _api_client(UserFactory(roles=[roles.AGENT]))
    assert client.get(f"/api/v1/returns/{draft.public_id}/label/").status_code == 404
