from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPhoto, ReturnRequest
from tests.portal.helpers import (
    choose_items,
    choose_pickup,
    choose_point,
    choose_resolution,
    confirm,
    give_reasons,
    lookup,
    through_drop_off,
)

pytestmark = pytest.mark.django_db


def test_a_refund_to_a_relay_point_end_to_end(client, world):
    response = through_drop_off(client, world, quantity=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:review")

    review = client.get(reverse("portal:review"))
    assert review.status_code == 200
    text = review.content.decode()
    assert "Tabac de la Guillotière" in text
    assert "119,80\xa0€" in text  # the value, in French money format
    assert "3,90\xa0€" in text  # the relay-point fee of the policy
    assert "115,90\xa0€" in text  # the refund estimate

    done = confirm(client)
    return_request = ReturnRequest.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:confirmation", kwargs={"public_id": return_request.public_id})
    assert return_request.status in (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
    assert return_request.channel == "portal"
    assert return_request.refund_estimate == Decimal("115.90")
    assert return_request.drop_off_point == world.relay

    page = client.get(done["Location"])
    assert page.status_code == 200
    assert return_request.rma_number in page.content.decode()


def test_a_photo_exchange_to_a_shop(client, world, jpeg):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    response = give_reasons(
        client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [("IMG_1.jpg", jpeg, "image/jpeg")]}
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:resolution"))
    assert "CHM-LIN-BLA-L" in page.content.decode()
    assert choose_resolution(client, "exchange", {world.shirt.pk: "CHM-LIN-BLA-L"}).status_code == 302
    assert choose_point(client, world.store_point.pk).status_code == 302
    assert confirm(client).status_code == 302

    return_request = ReturnRequest.objects.get()
    line = return_request.lines.get()
    assert return_request.resolution == "exchange"
    assert line.exchange_sku == "CHM-LIN-BLA-L"
    assert return_request.store == world.store
    assert return_request.fee_amount == 0
    assert return_request.refund_estimate == 0
    photo = ReturnPhoto.objects.get()
    assert photo.return_line == line
    assert photo.content_type == "image/jpeg"
    assert photo.image.read(3) == b"\xff\xd8\xff"

    # The customer sees their photo in the session that sent it; nobody else does, and it has no public URL.
    url = reverse("portal:return_photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == "inline"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Cache-Control"].startswith("private")
    assert Client().get(url).status_code == 404
    assert Client().get(f"/media/{photo.image.name}").status_code == 404


def test_home_pickup_with_a_date_and_slot(client, world):
    lookup(client)
    choose_items(client, {world.mug.pk: 1})
    give_reasons(client, {world.mug.pk: world.too_small.pk})
    choose_resolution(client, "store_credit")
    page = client.get(reverse("portal:drop_off"))
    day = page.context["form"].fields["pickup_date"].choices[1][0]
    assert choose_pickup(client, day, "14:00-18:00").status_code == 302
    assert confirm(client).status_code == 302
    return_request = ReturnRequest.objects.get()
    assert return_request.drop_off_method == "home_pickup"
    assert return_request.pickup_date.isoformat() == day
    assert return_request.pickup_slot == "14:00-18:00"
    assert return_request.fee_amount == Decimal("6.90")
