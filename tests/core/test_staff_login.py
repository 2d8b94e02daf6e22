import pytest
from django.urls import reverse

from tests.core.factories import UserFactory
from tests.locations.factories import StoreFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("roles", "is_staff", "home"),
    [
        (["store_staff"], False, "/store/"),
        (["warehouse_staff"], False, "/warehouse/"),
        (["agent"], True, "/agents/"),
        ([], True, "/admin/"),
    ],
)
def test_each_role_lands_on_its_own_pages(client, roles, is_staff, home):
    user = UserFactory(username=f"u-{(roles or ['staff'])[0]}", roles=roles, is_staff=is_staff)
    StoreFactory().staff.add(user)
    WarehouseFactory().staff.add(user)
    response = client.post(reverse("login"), {"username": user.username, "password": "demo-password"})
    assert response.status_code == 302
    assert response["Location"] == home


def test_next_wins_and_bad_passwords_are_refused(client):
    UserFactory(username="clerk", roles=["store_staff"])
    refused = client.post(reverse("login"), {"username": "clerk", "password": "nope"})
    assert refused.status_code == 200
    assert b'role="alert"' in refused.content
    response = client.post(
        reverse("login") + "?next=/store/shipments/",
        {"username": "clerk", "password": "demo-password", "next": "/store/shipments/"},
    )
    assert response["Location"] == "/store/shipments/"


def test_staff_label_downloads_send_strangers_to_the_shared_sign_in(client):
    response = client.get("/labels/00000000-0000-0000-0000-000000000000.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
