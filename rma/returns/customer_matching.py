"""How a customer's email, phone and delivery address are written for the block and allow lists to match them:
what an agent types in an entry and what an order holds give the same text. Pure functions, no database.

The rules themselves are rma.orders.customer_keys (each order stores its phone and address written this way);
here is which rule an entry of each kind of match follows."""

from rma.orders.customer_keys import (
    address_has_postcode,
    address_normalize,
    email_normalize,
    order_address_normalize,
    phone_normalize,
)
from rma.returns.choices import CustomerListMatch

__all__ = [
    "address_has_postcode",
    "address_normalize",
    "customer_value_normalize",
    "email_normalize",
    "order_address_normalize",
    "phone_normalize",
]


def customer_value_normalize(*, match: str, value: str) -> str:
    """The text an entry of this kind of match is compared on."""
    if match == CustomerListMatch.EMAIL:
        return email_normalize(value)
    if match == CustomerListMatch.PHONE:
        return phone_normalize(value)
    return address_normalize(value)
