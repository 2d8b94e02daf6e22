from django.db import models
from django.utils.translation import gettext_lazy as _


class DropOffKind(models.TextChoices):
    STORE = "store", _("Shop")
    RELAY_POINT = "relay_point", _("Relay point")
    LOCKER = "locker", _("Parcel locker")
    POST_OFFICE = "post_office", _("Post office")


class DropOffMethod(models.TextChoices):
    """How the parcel leaves the customer: at a place, or collected at home."""

    STORE = "store", _("At a shop")
    RELAY_POINT = "relay_point", _("At a relay point")
    LOCKER = "locker", _("In a parcel locker")
    POST_OFFICE = "post_office", _("At a post office")
    HOME_PICKUP = "home_pickup", _("Collected at home")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
