"""The scale data set's names: distinct by construction, namespaced by run."""

from rma.demo.geography import STREET_NAMES
from rma.orders.customer_keys import order_address_normalize

EXTERNAL_ID_PREFIX = "scale-"
EMAIL_DOMAIN = "scale.example"
# Multiplier and modulus of the bijection that turns (run, index) into an RMA number: distinct by construction.
RMA_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RMA_SPACE = len(RMA_ALPHABET) ** 8
RMA_MULTIPLIER = 1_103_515_241  # coprime with 30, so the map is one-to-one on the space
RUN_STRIDE = 1_000_000_000  # returns per run at most


def rma_number_for(*, run: int, index: int) -> str:
    """A readable RMA number that looks random but is unique per (run, index)."""
    value = (RMA_MULTIPLIER * (run * RUN_STRIDE + index)) % RMA_SPACE
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(RMA_ALPHABET))
        chars.append(RMA_ALPHABET[digit])
    return f"R-{''.join(chars[:4])}-{''.join(chars[4:])}"


def external_id_for(*, run: int, index: int) -> str:
    return f"{EXTERNAL_ID_PREFIX}{run:03d}-{index:09d}"


def customer_address_for(customer: int) -> dict[str, str]:
    """A customer's delivery address, with its key as the order upsert writes it (Order.address_key): a few
    neighbours share one (a building), as in life, and their histories find each other's orders by it."""
    line1 = f"{1 + customer % 150} {STREET_NAMES[(customer // 150) % len(STREET_NAMES)]}"
    postcode = f"{75001 + customer % 20}"
    return {
        "address_line1": line1,
        "postcode": postcode,
        "address_key": order_address_normalize(line1=line1, postcode=postcode),
    }
