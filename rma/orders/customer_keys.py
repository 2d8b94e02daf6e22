"""How a customer's email, phone and delivery address are written to be compared: what an agent types in a list
entry and what an order holds give the same text. Pure functions, no database.

They live with the orders because each order stores its phone and address written this way (Order.phone_key,
Order.address_key, indexed): the block and allow lists (rma.returns.customer_matching) and the customer history
(rma.returns.customer_history) find a customer's orders across emails through them.
"""

import re
import unicodedata

# A postcode as we know it, in text already lowercased and without punctuation (see _plain_words): 4 (Belgium,
# Switzerland…) or 5 digits (France, Germany, Spain, Italy…); 4 digits and 2 letters (Netherlands, "1012 ab");
# a British one ("sw1a 1aa", "m1 1ae", "ec1a1bb": an outward code, then a digit and two letters).
_POSTCODE = re.compile(
    r"\b(?:[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}|\d{4} ?[a-z]{2}|\d{4,5})\b",
)
# Letters NFKD does not take apart.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def email_normalize(value: str) -> str:
    """`  Chloe.Martin@Example.FR ` → `chloe.martin@example.fr`."""
    return value.strip().lower()


def phone_normalize(value: str) -> str:
    """Digits only, international form without its `+` or `00`; a French number's leading 0 becomes 33:
    "06 12 34 56 78", "+33 6 12 34 56 78", "+33 (0)6 12 34 56 78" and "0033 612345678" all give "33612345678"."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "33" + digits[1:]
    if digits.startswith("330") and len(digits) == 12:  # "+33 (0)6 …": the 0 written in brackets
        digits = "33" + digits[3:]
    return digits


def _plain_words(value: str) -> str:
    """Lowercase, without accents; punctuation as spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def address_has_postcode(value: str) -> bool:
    return _POSTCODE.search(_plain_words(value)) is not None


def address_normalize(value: str) -> str:
    """The street and the postcode, the city dropped (it is written in too many ways): "12, rue de l'Église –
    75002 Paris" → "12 rue de l eglise 75002", "10 Downing Street, London SW1A 2AA" → "10 downing street london
    sw1a2aa". The postcode is the last group that looks like one, written without its inner space."""
    words = _plain_words(value)
    postcodes = list(_POSTCODE.finditer(words))
    if not postcodes:
        return words
    last = postcodes[-1]
    return f"{words[: last.start()].strip()} {last.group().replace(' ', '')}".strip()


def order_address_normalize(*, line1: str, postcode: str) -> str:
    """An order's delivery address as the lists compare it (its first line and postcode), or "" without either."""
    if not line1.strip() or not postcode.strip():
        return ""
    compact = re.sub(r"\s+", "", postcode)
    return address_normalize(f"{line1} {compact}")


def order_contact_keys(*, customer_phone: str, address_line1: str, postcode: str) -> dict[str, str]:
    """The values of an order's `phone_key` and `address_key` ("" when there is nothing to compare)."""
    return {
        "phone_key": phone_normalize(customer_phone),
        "address_key": order_address_normalize(line1=address_line1, postcode=postcode),
    }
