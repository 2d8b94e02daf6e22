"""Every refusal of the portal, server-side: what the customer sees, and that nothing was created."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rma.portal.session import SALT, SESSION_KEY
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_transition
from tests.core.pictures import heic_header_then_html, jpeg_with_gps, png_144_megapixels, real_heic
from tests.orders.factories import OrderLineFactory
from tests.portal.conftest import image_bytes
from tests.portal.helpers import (
    choose_items,
    choose_point,
    choose_resolution,
    confirm,
    give_reasons,
    lookup,
    text,
    through_drop_off,
)
from tests.portal.world import EMAIL

pytestmark = pytest.mark.django_db

GENERIC = "Nous n’avons pas trouvé de commande avec ces informations."


# ---- 1. finding the order


@pytest.mark.parametrize(
    ("number", "secret"),
    [
        ("ML100042", "someone.else@example.fr"),  # right order, wrong email
        ("ML100042", "75011"),  # right order, wrong postcode
        ("ML999999", EMAIL),  # no such order
        ("ML100042", ""),  # nothing typed
    ],
)
def test_a_wrong_pair_gets_one_generic_message_and_no_session(client, world, number, secret):
    response = lookup(client, number=number, secret=secret)
    assert response.status_code == 200
    body = text(response)
    if secret:
        assert GENERIC in body
        assert body.count(GENERIC) == 1
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")


def test_the_message_is_the_same_whether_the_order_exists_or_not(client, world):
    exists = text(lookup(client, number="ML100042", secret="nobody@example.fr"))
    missing = text(lookup(client, number="ML000000", secret="nobody@example.fr"))
    strip = lambda html: html.replace("ML100042", "X").replace("ML000000", "X")  # noqa: E731
    assert strip(exists).split("csrfmiddlewaretoken")[0] == strip(missing).split("csrfmiddlewaretoken")[0]


def test_email_is_case_insensitive_and_the_postcode_works_too(world):
    assert lookup(Client(), secret=" Chloe.Martin@EXAMPLE.fr ")["Location"] == reverse("portal:items")
    assert lookup(Client(), number="ml 100042", secret="69 003")["Location"] == reverse("portal:items")


def test_repeated_attempts_are_rate_limited_per_client(world, settings):
    settings.RMA_PORTAL_LOOKUP_RATE = (3, 600)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert lookup(attacker, secret="guess@example.fr").status_code == 200
    blocked = lookup(attacker)  # even the right pair: the client is paused
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text(blocked)
    assert SESSION_KEY not in attacker.session
    # Another client is not affected.
    assert lookup(Client(REMOTE_ADDR="198.51.100.7")).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(world, settings):
    settings.RMA_PORTAL_LOOKUP_RATE = (1, 600)
    settings.RMA_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert lookup(Client(**proxy), secret="x@example.fr", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert lookup(Client(**proxy), HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302  # someone else
    # A client cannot dodge the limit by sending its own X-Forwarded-For: the proxy appends the real address.
    spoofed = lookup(Client(**proxy), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert spoofed.status_code == 429
    assert spoofed["Retry-After"] == "600"


def test_lookup_requires_csrf(world):
    client = Client(enforce_csrf_checks=True)
    assert lookup(client).status_code == 403


# ---- 2. items


def test_refused_lines_say_why(client, world):
    lookup(client)
    page = text(client.get(reverse("portal:items")))
    closes = timezone.localdate(world.order.delivered_at + timedelta(days=14))
    assert "Cet article ne peut pas être retourné : fin de série." in page
    assert "Le délai de retour a expiré le" in page
    assert str(closes.year) in page
    assert f'name="line_{world.final_sale.pk}"' not in page
    assert f'name="line_{world.late.pk}"' not in page


@pytest.mark.parametrize("line_name", ["final_sale", "late"])
def test_a_refused_line_posted_anyway_is_refused(client, world, line_name):
    lookup(client)
    line = getattr(world, line_name)
    response = choose_items(client, {line.pk: 1})
    assert response.status_code == 400
    expected = "fin de série" if line_name == "final_sale" else "Le délai de retour a expiré"
    assert expected in text(response)
    assert "lines" not in client.session[SESSION_KEY]


@pytest.mark.parametrize("quantity", ["3", "0", "-1", "abc", "99999999999999999999"])
def test_over_or_bad_quantity_is_refused(client, world, quantity):
    lookup(client)
    response = client.post(
        reverse("portal:items"), {f"line_{world.shirt.pk}": "on", f"qty_{world.shirt.pk}": quantity}
    )
    assert response.status_code == 400
    if quantity == "3":
        assert "Seulement 2 exemplaire(s) de cet article peuvent être retournés." in text(response)


def test_an_item_already_in_a_return_cannot_be_chosen_again(world):
    first = Client()
    through_drop_off(first, world, quantity=2)
    confirm(first)
    second = Client()
    lookup(second)
    page = text(second.get(reverse("portal:items")))
    assert "Cet article fait déjà partie d’un autre retour." in page
    assert choose_items(second, {world.shirt.pk: 1}).status_code == 400


def test_a_line_of_another_order_is_ignored(client, world):
    other = OrderLineFactory()
    lookup(client)
    response = choose_items(client, {other.pk: 1})
    assert response.status_code == 400
    assert "Choisissez au moins un article à retourner." in text(response)


def test_the_units_taken_meanwhile_are_refused_at_confirmation(world):
    slow, fast = Client(), Client()
    through_drop_off(slow, world, quantity=2)
    through_drop_off(fast, world, quantity=1)
    assert confirm(fast).status_code == 302
    response = confirm(slow)
    assert response.status_code == 422
    assert "Seulement 1 exemplaire(s) de cet article peuvent encore être retournés." in text(response)
    assert ReturnRequest.objects.count() == 1


# ---- 3. photos


def _to_reasons(client, world):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})


def test_a_reason_that_needs_a_photo_is_refused_without_one(client, world):
    _to_reasons(client, world)
    response = give_reasons(client, {world.shirt.pk: world.damaged.pk})
    assert response.status_code == 400
    assert "Ajoutez au moins une photo pour ce motif." in text(response)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.jpg", b"%PDF-1.7 not a picture", "n’est pas une image lisible"),
        ("broken.png", image_bytes("PNG")[:40], "n’est pas une image lisible"),
        ("anim.gif", image_bytes("GIF"), "n’est pas une photo JPEG, PNG, WebP ou HEIC"),
        ("empty.jpg", b"", "est vide"),
        ("holiday.heic", heic_header_then_html(), "n’est pas une image lisible"),
        ("scan.png", png_144_megapixels(), "a trop de pixels : une photo peut faire jusqu’à 40 mégapixels"),
    ],
)
def test_a_bad_photo_is_refused_with_a_reason(client, world, name, content, message):
    _to_reasons(client, world)
    response = give_reasons(
        client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [(name, content, "image/jpeg")]}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not client.session[SESSION_KEY]["details"][str(world.shirt.pk)].get("photos")


def test_a_photo_over_the_size_limit_is_refused(client, world, settings):
    settings.RMA_PHOTO_MAX_BYTES = 1024 * 1024
    _to_reasons(client, world)
    big = image_bytes("PNG", (1200, 1200)) + b"\x00" * (1024 * 1024)
    response = give_reasons(
        client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [("big.png", big, "image/png")]}
    )
    assert response.status_code == 400
    assert "est trop lourd : une photo peut faire jusqu’à 1 Mo." in text(response)


def test_too_many_photos_are_refused(client, world, settings):
    settings.RMA_PHOTOS_PER_LINE = 2
    _to_reasons(client, world)
    files = [(f"p{i}.jpg", image_bytes(), "image/jpeg") for i in range(3)]
    response = give_reasons(client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: files})
    assert response.status_code == 400
    assert "jusqu’à 2 photos par article" in text(response)


def test_jpeg_png_webp_and_heic_are_accepted_and_previewed(client, world):
    _to_reasons(client, world)
    files = [
        ("a.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("b.png", image_bytes("PNG"), "image/png"),
        ("c.webp", image_bytes("WEBP"), "image/webp"),
        ("d.heic", real_heic(), "image/heic"),
    ]
    response = give_reasons(client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: files})
    assert response.status_code == 302
    staged = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]
    # HEIC is decoded and kept as JPEG, so that it can be previewed here and seen by staff in any browser.
    assert [p["content_type"] for p in staged] == ["image/jpeg", "image/png", "image/webp", "image/jpeg"]
    heic_preview = client.get(reverse("portal:staged_photo", args=[staged[3]["id"]]))
    assert heic_preview.status_code == 200
    assert b"".join(heic_preview.streaming_content).startswith(b"\xff\xd8")
    preview = client.get(reverse("portal:staged_photo", args=[staged[1]["id"]]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert b"".join(preview.streaming_content).startswith(b"\x89PNG")
    # Another visitor cannot see it.
    assert Client().get(reverse("portal:staged_photo", args=[staged[1]["id"]])).status_code == 302
    other = Client()
    lookup(other)
    assert other.get(reverse("portal:staged_photo", args=[staged[1]["id"]])).status_code == 404


def test_a_photo_is_kept_without_where_it_was_taken(client, world):
    _to_reasons(client, world)
    response = give_reasons(
        client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [("IMG.jpg", jpeg_with_gps(), "")]}
    )
    assert response.status_code == 302
    staged = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]
    preview = b"".join(client.get(reverse("portal:staged_photo", args=[staged[0]["id"]])).streaming_content)
    assert preview.startswith(b"\xff\xd8")
    assert b"PhoneMaker" not in preview
    assert b"Exif" not in preview


def test_a_staged_photo_can_be_removed(client, world):
    _to_reasons(client, world)
    give_reasons(client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [("a.jpg", image_bytes(), "")]})
    photo_id = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"][0]["id"]
    assert client.post(reverse("portal:reasons"), {"remove_photo": photo_id}).status_code == 302
    assert client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"] == []


# ---- 4-5. resolution and drop-off


def test_an_exchange_needs_an_available_variant(client, world):
    lookup(client)
    choose_items(client, {world.mug.pk: 1})  # no other variant of the candle
    give_reasons(client, {world.mug.pk: world.too_small.pk})
    page = text(client.get(reverse("portal:resolution")))
    assert "Indisponible" in page
    assert choose_resolution(client, "exchange").status_code == 400


def test_an_exchange_for_a_variant_not_offered_is_refused(client, world):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    give_reasons(client, {world.shirt.pk: world.too_small.pk})
    assert choose_resolution(client, "exchange", {world.shirt.pk: "SOMETHING-ELSE"}).status_code == 400
    assert choose_resolution(client, "exchange", {world.shirt.pk: "CHM-LIN-BLA-M"}).status_code == 400  # the same one
    assert choose_resolution(client, "teleport").status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"action": "choose", "option": "point:999999"},
        {"action": "choose", "option": "home_pickup"},
        {"action": "choose", "option": "home_pickup", "pickup_date": "2001-01-01", "pickup_slot": "08:00-12:00"},
        {"action": "choose", "option": "home_pickup", "pickup_date": "not-a-date", "pickup_slot": "25:00-26:00"},
        {"action": "choose"},
        {"action": "search", "search-postcode": "<script>"},
    ],
)
def test_bad_drop_off_choices_are_refused(client, world, data):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    give_reasons(client, {world.shirt.pk: world.too_small.pk})
    choose_resolution(client)
    response = client.post(reverse("portal:drop_off"), data)
    assert response.status_code == 400
    assert "drop_off" not in client.session[SESSION_KEY]


def test_an_unknown_postcode_says_so(client, world):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    give_reasons(client, {world.shirt.pk: world.too_small.pk})
    choose_resolution(client)
    client.post(reverse("portal:drop_off"), {"action": "search", "search-postcode": "97000"})
    page = client.get(reverse("portal:drop_off"))
    assert page.status_code == 400
    assert "Nous ne connaissons pas ce code postal." in text(page)


def test_steps_cannot_be_skipped(client, world):
    lookup(client)
    assert client.get(reverse("portal:review"))["Location"] == reverse("portal:items")
    choose_items(client, {world.shirt.pk: 1})
    assert client.get(reverse("portal:drop_off"))["Location"] == reverse("portal:resolution")
    assert client.get(reverse("portal:resolution"))["Location"] == reverse("portal:reasons")


# ---- sessions


def test_pages_need_a_session(client, world):
    for name in ("items", "reasons", "resolution", "drop_off", "review"):
        response = client.get(reverse(f"portal:{name}"))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:lookup")


def _tamper(client, **changes):
    session = client.session
    session[SESSION_KEY].update(changes)
    session.save()


def test_a_tampered_token_ends_the_session(client, world):
    lookup(client)
    token = client.session[SESSION_KEY]["token"]
    _tamper(client, token=token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    response = client.get(reverse("portal:items"))
    assert response["Location"] == reverse("portal:lookup")
    assert SESSION_KEY not in client.session


def test_a_token_for_another_order_is_refused(client, world):
    other = OrderLineFactory().order
    lookup(client)
    nonce = client.session[SESSION_KEY]["nonce"]
    forged = signing.dumps({"o": other.pk, "n": nonce}, salt=SALT, key="not-our-secret-key-at-all-0123456789")
    _tamper(client, token=forged)
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")
    # A genuine token lifted from another session does not fit this session's nonce either.
    stolen = signing.dumps({"o": other.pk, "n": "someone-elses-nonce"}, salt=SALT)
    lookup(client)
    _tamper(client, token=stolen)
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")


def test_an_expired_session_is_refused(client, world, settings, monkeypatch):
    settings.RMA_PORTAL_SESSION_MAX_AGE = 60
    lookup(client)
    assert client.get(reverse("portal:items")).status_code == 200
    later = time.time() + 120
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(reverse("portal:items"), follow=True)
    assert "Votre session a expiré." in text(response)


def test_a_new_lookup_gives_a_new_session_key(client, world):
    client.get(reverse("portal:lookup"))
    client.session.save()
    before = client.session.session_key
    lookup(client)
    assert client.session.session_key != before


def test_leaving_ends_the_session(client, world):
    lookup(client)
    assert client.post(reverse("portal:end_session"))["Location"] == reverse("portal:lookup")
    assert client.get(reverse("portal:items"))["Location"] == reverse("portal:lookup")


# ---- 7-8. someone else's return, tracking, cancelling


def _a_return(client, world) -> ReturnRequest:
    through_drop_off(client, world)
    confirm(client)
    return ReturnRequest.objects.latest("id")


def test_another_customers_confirmation_page_is_not_shown(world):
    return_request = _a_return(Client(), world)
    url = reverse("portal:confirmation", kwargs={"public_id": return_request.public_id})
    stranger = Client()
    OrderLineFactory(order__number="ML200000", order__customer_email="other@example.fr")  # another customer
    lookup(stranger, number="ML200000", secret="other@example.fr")
    assert stranger.get(reverse("portal:items")).status_code == 200
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_tracking_needs_the_exact_unguessable_id(client, world):
    return_request = _a_return(client, world)
    assert Client().get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})).status_code == 200
    random_id = "6f1c2a8e-1111-4222-8333-944455556666"
    assert Client().get(f"/r/{random_id}/").status_code == 404
    assert Client().get(f"/r/{return_request.rma_number}/").status_code == 404
    assert Client().get(f"/r/{random_id}/status.json").status_code == 404
    assert Client().post(f"/r/{random_id}/cancel/").status_code == 404


def test_the_customer_can_cancel_while_it_is_allowed(client, world):
    return_request = _a_return(client, world)
    url = reverse("portal:cancel", kwargs={"public_id": return_request.public_id})
    assert Client().get(url).status_code == 200
    response = Client().post(url, follow=True)
    assert "Votre retour a été annulé." in text(response)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.CANCELLED
    assert return_request.events.last().actor_label == "customer"
    world.shirt.refresh_from_db()
    assert world.shirt.quantity_in_returns == 0


def test_a_return_on_its_way_can_no_longer_be_cancelled(client, world):
    return_request = _a_return(client, world)
    return_request_transition(return_request=return_request, to=ReturnStatus.IN_TRANSIT, actor_label="carrier")
    url = reverse("portal:cancel", kwargs={"public_id": return_request.public_id})
    response = Client().post(url, follow=True)
    assert "Ce retour ne peut plus être annulé." in text(response)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.IN_TRANSIT
    page = Client().get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id}))
    assert url not in text(page)


def test_cancel_requires_csrf(client, world):
    return_request = _a_return(client, world)
    url = reverse("portal:cancel", kwargs={"public_id": return_request.public_id})
    assert Client(enforce_csrf_checks=True).post(url).status_code == 403
    return_request.refresh_from_db()
    assert return_request.status != ReturnStatus.CANCELLED


def test_no_personal_data_in_any_url_of_the_journey(client, world):
    seen = []
    response = lookup(client)
    seen.append(response["Location"])
    seen.append(choose_items(client, {world.shirt.pk: 1})["Location"])
    seen.append(give_reasons(client, {world.shirt.pk: world.too_small.pk})["Location"])
    seen.append(choose_resolution(client)["Location"])
    seen.append(choose_point(client, world.relay.pk)["Location"])
    seen.append(confirm(client)["Location"])
    for url in seen:
        for secret in (EMAIL, "chloe", "ML100042", "69003", "Lyon"):
            assert secret.lower() not in url.lower()
