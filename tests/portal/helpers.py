"""Steps of the journey through Django's test client."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.portal.world import EMAIL, World


def text(response) -> str:
    """The page's text with no-break spaces (French typography) as plain spaces."""
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def lookup(client, *, number: str = "ML100042", secret: str = EMAIL, **extra):
    return client.post(reverse("portal:lookup"), {"order_number": number, "email_or_postcode": secret}, **extra)


def choose_items(client, lines: dict[int, int]):
    data = {}
    for pk, quantity in lines.items():
        data[f"line_{pk}"] = "on"
        data[f"qty_{pk}"] = str(quantity)
    return client.post(reverse("portal:items"), data)


def give_reasons(client, reasons: dict[int, int], photos: dict[int, list[tuple[str, bytes, str]]] | None = None):
    data = {}
    for pk, reason_pk in reasons.items():
        data[f"l{pk}-reason"] = str(reason_pk)
        data[f"l{pk}-comment"] = ""
    for pk, files in (photos or {}).items():
        data[f"l{pk}-photos"] = [
            SimpleUploadedFile(name, content, content_type=ctype) for name, content, ctype in files
        ]
    return client.post(reverse("portal:reasons"), data)


def choose_resolution(client, resolution: str = "refund", exchange: dict[int, str] | None = None):
    data = {"resolution": resolution}
    for pk, sku in (exchange or {}).items():
        data[f"exchange_{pk}"] = sku
    return client.post(reverse("portal:resolution"), data)


def choose_point(client, point_pk: int):
    return client.post(reverse("portal:drop_off"), {"action": "choose", "option": f"point:{point_pk}"})


def choose_pickup(client, day: str, slot: str = "08:00-12:00"):
    return client.post(
        reverse("portal:drop_off"),
        {"action": "choose", "option": "home_pickup", "pickup_date": day, "pickup_slot": slot},
    )


def confirm(client):
    return client.post(reverse("portal:review"))


def through_drop_off(client, world: World, *, quantity: int = 1, items: dict[int, int] | None = None):
    """Lookup → the shirt (or `items`: order line id → quantity), too small → refund → relay point; returns the last
    response."""
    items = {world.shirt.pk: quantity} if items is None else items
    assert lookup(client).status_code == 302
    assert choose_items(client, items).status_code == 302
    assert give_reasons(client, dict.fromkeys(items, world.too_small.pk)).status_code == 302
    assert choose_resolution(client).status_code == 302
    return choose_point(client, world.relay.pk)
