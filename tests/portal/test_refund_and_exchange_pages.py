"""The tracking page shows the refund really released; the resolution step applies the exchange rules honestly."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rma.orders.services import order_upsert
from rma.returns.models import ReturnRequest
from rma.returns.services import return_request_approve
from rma.warehouse.models import Refund, StoreCredit
from tests.core.factories import UserFactory
from tests.portal.helpers import (
    choose_items,
    choose_point,
    choose_resolution,
    confirm,
    give_reasons,
    lookup,
    text,
)

pytestmark = pytest.mark.django_db


def returnless_candle(client, world):
    """The candle (29.00) is worth less than the policy's returnless threshold: the customer keeps it."""
    world.policy.returnless_refund_below = Decimal("30.00")
    world.policy.save(update_fields=["returnless_refund_below"])
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.mug.pk: 1}).status_code == 302
    assert give_reasons(client, {world.mug.pk: world.too_small.pk}).status_code == 302
    assert choose_resolution(client).status_code == 302
    assert choose_point(client, world.relay.pk).status_code == 302


def test_a_returnless_refund_costs_no_fee_and_the_tracking_page_shows_the_amount_refunded(client, world):
    returnless_candle(client, world)
    review = text(client.get(reverse("portal:review")))
    assert "3,90 €" not in review  # the relay point's fee: nothing is sent back
    assert "29,00 €" in review

    assert confirm(client).status_code == 302
    return_request = ReturnRequest.objects.get()
    assert return_request.status == "refunded"
    assert Refund.objects.get(return_request=return_request).amount == Decimal("29.00")
    page = text(client.get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})))
    assert "Remboursé</dt><dd>29,00 €" in page
    assert "Remboursement estimé" not in page


def test_a_returnless_store_credit_shows_its_card_and_the_same_amount_as_refunded(client, world):
    world.policy.store_credit_bonus_percent = Decimal("10.00")
    world.policy.save(update_fields=["store_credit_bonus_percent"])
    world.policy.returnless_refund_below = Decimal("30.00")
    world.policy.save(update_fields=["returnless_refund_below"])
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.mug.pk: 1}).status_code == 302
    assert give_reasons(client, {world.mug.pk: world.too_small.pk}).status_code == 302
    assert choose_resolution(client, "store_credit").status_code == 302
    assert choose_point(client, world.relay.pk).status_code == 302
    # The review counts the bonus on the price paid (no fee: nothing is sent back).
    assert "31,90 €" in text(client.get(reverse("portal:review")))

    assert confirm(client).status_code == 302
    return_request = ReturnRequest.objects.get()
    assert return_request.status == "refunded"
    credit = StoreCredit.objects.get(return_request=return_request)
    assert credit.amount == Decimal("31.90")
    page = text(client.get(reverse("portal:tracking", kwargs={"public_id": return_request.public_id})))
    # The credit's card with its code, and the total says the same amount as the card: what the customer holds.
    assert "data-store-credit-code" in page
    assert credit.code in page
    assert "Remboursé en avoir</dt><dd>31,90 €" in page
    assert "estimé" not in page
    assert page.count("data-refunded") == 1


def test_before_the_refund_the_tracking_page_shows_an_estimate_labelled_as_such(client, world):
    world.policy.auto_approve = False
    world.policy.save(update_fields=["auto_approve"])
    returnless_candle(client, world)
    assert confirm(client).status_code == 302
    return_request = ReturnRequest.objects.get()
    url = reverse("portal:tracking", kwargs={"public_id": return_request.public_id})
    before = text(client.get(url))
    assert "Remboursement estimé</dt><dd>29,00 €" in before

    # Refunds released at a different amount than the estimate show what was really paid.
    ReturnRequest.objects.filter(pk=return_request.pk).update(refund_estimate=Decimal("31.00"))
    return_request_approve(return_request=return_request, actor=UserFactory(username="agent-zoe"))
    after = text(client.get(url))
    assert "Remboursé</dt><dd>29,00 €" in after
    assert "31,00" not in after


def test_without_a_stock_source_no_page_says_a_size_is_in_stock(client, world):
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    page = text(client.get(reverse("portal:resolution")))
    assert "CHM-LIN-BLA-L" in page
    assert "en stock" not in page
    client.cookies["django_language"] = "en"
    assert "in stock" not in text(client.get(reverse("portal:resolution"), HTTP_ACCEPT_LANGUAGE="en")).lower()


def test_with_a_stock_source_the_page_lists_only_what_is_in_stock_and_refuses_a_size_gone_meanwhile(
    client, world, fake_shop
):
    fake_shop.products["CHM-LIN"] = [
        {"sku": "CHM-LIN-BLA-M", "size": "M", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-L", "size": "L", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-XL", "size": "XL", "colour": "blanc", "available": True, "price": "64.90"},
        {"sku": "CHM-LIN-BLA-S", "size": "S", "colour": "blanc", "available": True, "price": "59.90"},
        {"sku": "CHM-LIN-BLA-XS", "size": "XS", "colour": "blanc", "available": False, "price": "59.90"},
    ]
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    page = text(client.get(reverse("portal:resolution")))
    assert "en stock" in page
    assert 'value="CHM-LIN-BLA-L"' in page
    assert 'value="CHM-LIN-BLA-S"' in page
    assert 'value="CHM-LIN-BLA-XS"' not in page  # out of stock
    assert 'value="CHM-LIN-BLA-XL"' not in page  # dearer

    fake_shop.variant("CHM-LIN", "CHM-LIN-BLA-L", available=False)
    refused = choose_resolution(client, "exchange", {world.shirt.pk: "CHM-LIN-BLA-L"})
    assert refused.status_code == 400
    assert "CHM-LIN-BLA-L n’est plus en stock" in text(refused)
    dearer = choose_resolution(client, "exchange", {world.shirt.pk: "CHM-LIN-BLA-XL"})
    assert "un échange se fait au même prix" in text(dearer)


def test_the_exchange_offers_a_size_the_shop_sold_after_the_customer_started(client, world, settings):
    """Without a shop API, the sizes offered are those our orders know: an order imported meanwhile adds its own."""
    settings.RMA_SHOP_CLIENT = "rma.integrations.shop.client.CatalogueShopClient"
    assert lookup(client).status_code == 302
    assert choose_items(client, {world.shirt.pk: 1}).status_code == 302
    assert give_reasons(client, {world.shirt.pk: world.too_small.pk}).status_code == 302
    assert 'value="CHM-LIN-BLA-S"' not in text(client.get(reverse("portal:resolution")))

    order_upsert(
        data={
            "external_id": "shop-2001",
            "number": "ML200001",
            "customer_email": "autre@example.fr",
            "placed_at": timezone.now().isoformat(),
            "lines": [
                {
                    "external_id": "1",
                    "sku": "CHM-LIN-BLA-S",
                    "product_ref": "CHM-LIN",
                    "name": "Chemise en lin col mao",
                    "size": "S",
                    "colour": "blanc",
                    "quantity": 1,
                    "unit_price": "59.90",
                }
            ],
        }
    )

    page = text(client.get(reverse("portal:resolution")))
    assert 'value="CHM-LIN-BLA-S"' in page
    assert 'value="CHM-LIN-BLA-M"' not in page  # the size returned is not offered in exchange for itself
    chosen = choose_resolution(client, "exchange", {world.shirt.pk: "CHM-LIN-BLA-S"})
    assert chosen.status_code == 302
