"""Reads of orders."""

import hmac
import re

from django.db.models import QuerySet
from django.db.models.functions import Upper

from rma.orders.models import Order


def postcode_normalize(value: str) -> str:
    """A postcode as stored and compared: no spaces, capitals."""
    return re.sub(r"\s+", "", value).upper()


def order_qs_by_number(*, number: str) -> QuerySet[Order]:
    """Orders whose number matches in any case, written as the expression index `orders_order_number_upper` is."""
    return Order.objects.alias(number_upper=Upper("number")).filter(number_upper=number.strip().upper())


def order_get_for_customer(*, number: str, email_or_postcode: str) -> Order | None:
    """The order with this number whose email (or delivery postcode) matches; None otherwise, without telling why.

    How a customer proves an order is theirs, in the portal and at a shop's counter alike.
    """
    order = order_qs_by_number(number=number).first()
    given = email_or_postcode.strip()
    if "@" in given:
        given, expected = given.lower(), (order.customer_email.strip().lower() if order else "")
    else:
        given, expected = postcode_normalize(given), (postcode_normalize(order.postcode) if order else "")
    # Compare in constant time, and even when there is no order, so that timing does not tell.
    matches = hmac.compare_digest(given.encode(), (expected or "\x00").encode())
    return order if order is not None and expected and matches else None
