"""How the block and allow lists write an email, a phone and an address: what an agent types and what an order holds
give the same text."""

import pytest

from rma.returns.customer_matching import (
    address_has_postcode,
    address_normalize,
    customer_value_normalize,
    email_normalize,
    order_address_normalize,
    phone_normalize,
)


def test_an_email_is_compared_without_case_or_surrounding_spaces():
    assert email_normalize("  Chloe.Martin@Example.FR ") == "chloe.martin@example.fr"


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "33612345678",
    ],
)
def test_a_french_phone_number_is_one_number_however_it_is_written(typed):
    assert phone_normalize(typed) == "33612345678"


def test_a_foreign_number_keeps_its_country_code():
    assert phone_normalize("+32 470 12 34 56") == "32470123456"
    assert phone_normalize("0032 470 12 34 56") == "32470123456"


@pytest.mark.parametrize(
    "typed",
    [
        "12, rue de l'Église, 75002 Paris",
        "12 RUE DE L’EGLISE 75002 PARIS 2E",
        "12 rue de l eglise  -  75002",
        "12 Rue de l'Église 75002 Paris Cedex",
    ],
)
def test_an_address_is_its_street_and_postcode_without_case_accents_punctuation_or_city(typed):
    assert address_normalize(typed) == "12 rue de l eglise 75002"


def test_an_orders_address_is_written_as_an_entry_is():
    assert order_address_normalize(line1="12 Rue de l'Église", postcode="75 002") == "12 rue de l eglise 75002"
    assert order_address_normalize(line1="Cœur Défense, tour A", postcode="92400") == "coeur defense tour a 92400"
    # Half an address matches nothing.
    assert order_address_normalize(line1="", postcode="75002") == ""
    assert order_address_normalize(line1="12 rue de la Paix", postcode="") == ""


def test_the_kind_of_match_chooses_the_rule():
    assert customer_value_normalize(match="email", value=" A@B.FR") == "a@b.fr"
    assert customer_value_normalize(match="phone", value="06 12 34 56 78") == "33612345678"
    assert customer_value_normalize(match="address", value="8, Rue des Lilas 69003 Lyon") == "8 rue des lilas 69003"


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        # Netherlands: 4 digits and 2 letters, the city after.
        ("Damrak 1, 1012 AB Amsterdam", "damrak 1 1012ab"),
        ("Damrak 1 1012AB", "damrak 1 1012ab"),
        # United Kingdom: the town comes before the postcode, so it is kept: type the street and the postcode.
        ("10 Downing Street, SW1A 2AA", "10 downing street sw1a2aa"),
        ("10 Downing Street SW1A2AA", "10 downing street sw1a2aa"),
        ("1 Piccadilly, M1 1AE", "1 piccadilly m11ae"),
        ("10 Downing Street, London SW1A 2AA", "10 downing street london sw1a2aa"),
    ],
)
def test_postcodes_with_letters_are_recognised(typed, normalised):
    assert address_has_postcode(typed)
    assert address_normalize(typed) == normalised


def test_an_orders_address_with_a_postcode_with_letters_is_written_as_an_entry_is():
    assert order_address_normalize(line1="Damrak 1", postcode="1012 AB") == address_normalize("Damrak 1, 1012 AB")
    assert order_address_normalize(line1="10 Downing Street", postcode="SW1A 2AA") == "10 downing street sw1a2aa"


def test_an_address_without_a_postcode_is_still_refused():
    assert not address_has_postcode("10 Downing Street, London")
    assert not address_has_postcode("12 rue de la Paix, Paris")
