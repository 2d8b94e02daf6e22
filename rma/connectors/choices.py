"""The vocabularies of shop connections."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    PRESTASHOP = "prestashop", "PrestaShop"


class InboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


# The outbox topics of calls to a shop platform (rma.notifications, channel "shop").
class ShopTopic(models.TextChoices):
    REFUND = "shop.refund", _("Refund in the shop")
    STORE_CREDIT = "shop.store_credit", _("Store credit in the shop")
