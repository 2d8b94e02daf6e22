"""Nothing a customer can type or upload gives a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.portal.helpers import choose_items, choose_resolution, give_reasons, lookup

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "x" * 5000,
    "\x00",
    "a\x00b",
    "'; DROP TABLE orders; --",
    "<script>alert(1)</script>",
    "☃" * 40,
    "%(name)s",
    "{{ settings.SECRET_KEY }}",
    "-1",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "@",
    "@@@",
]


@pytest.fixture
def at_drop_off(client, world):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    give_reasons(client, {world.shirt.pk: world.too_small.pk})
    choose_resolution(client)
    return client


@pytest.mark.parametrize("value", NASTY)
def test_lookup_survives_anything(world, value):
    client = Client()
    for data in ({"order_number": value, "email_or_postcode": value}, {"order_number": value}, {"x": value}):
        assert client.post(reverse("portal:lookup"), data).status_code < 500


@pytest.mark.parametrize("value", NASTY)
def test_wizard_steps_survive_anything(at_drop_off, world, value):
    client = at_drop_off
    pk = world.shirt.pk
    posts = [
        ("portal:drop_off", {"action": "search", "search-postcode": value}),
        ("portal:drop_off", {"action": "choose", "option": value, "pickup_date": value, "pickup_slot": value}),
        ("portal:drop_off", {"action": value}),
        ("portal:resolution", {"resolution": value, f"exchange_{pk}": value}),
        ("portal:reasons", {f"l{pk}-reason": value, f"l{pk}-comment": value}),
        ("portal:reasons", {"remove_photo": value}),
        ("portal:items", {f"line_{pk}": value, f"qty_{pk}": value, "line_abc": value}),
    ]
    for name, data in posts:
        assert client.post(reverse(name), data).status_code < 500, (name, data)
    for path in (f"/return/photos/{value[:50]}/", f"/r/{value[:50]}/", "/return/done/not-a-uuid/"):
        assert client.get(path).status_code < 500


def test_uploads_of_every_shape_do_not_break_the_page(client, world):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    pk = world.shirt.pk
    uploads = [
        SimpleUploadedFile("x" * 300 + ".jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, content_type="image/jpeg"),
        SimpleUploadedFile("../../evil.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, content_type="image/png"),
        SimpleUploadedFile("bomb.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"),
        SimpleUploadedFile("fake.heic", b"\x00\x00\x00\x18ftypqt  ", content_type="image/heic"),
    ]
    response = client.post(reverse("portal:reasons"), {f"l{pk}-reason": world.damaged.pk, f"l{pk}-photos": uploads})
    assert response.status_code == 400
    assert client.session["rma_portal"]["details"][str(pk)].get("photos", []) == []
