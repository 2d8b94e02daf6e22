"""The vocabularies of the outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")
    # A call to the retailer's shop platform (a refund, a gift card), sent by the sender its app registers.
    SHOP = "shop", _("Shop platform")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead-lettered")
