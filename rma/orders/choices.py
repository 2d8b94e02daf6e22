from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web shop")
    STORE = "store", _("Shop")
    MARKETPLACE = "marketplace", _("Marketplace")
    PHONE = "phone", _("Phone")


class Category(models.TextChoices):
    APPAREL = "apparel", _("Apparel")
    FOOTWEAR = "footwear", _("Footwear")
    ELECTRONICS = "electronics", _("Electronics")
    HOME = "home", _("Home")
    BEAUTY = "beauty", _("Beauty")
    OTHER = "other", _("Other")


class NonReturnableReason(models.TextChoices):
    FINAL_SALE = "final_sale", _("Final sale")
    HYGIENE = "hygiene", _("Hygiene product, not returnable once unsealed")
    CUSTOM_MADE = "custom_made", _("Made to order")
    PERISHABLE = "perishable", _("Perishable")
    REFUNDED = "refunded", _("Already refunded by the shop")
    CANCELLED = "cancelled", _("Order cancelled")
