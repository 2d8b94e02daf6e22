"""Our addresses in the shapes Mondial Relay's manual ("WEB SERVICE" V-5.7) says its fields accept."""

import re

import pytest

from rma.shipping.carriers.mondial_relay import text

ADDRESS_LINE = re.compile(r"^[0-9A-Z_\-'., /]{2,32}$")  # the manual's pattern for Expe_Ad1 / Expe_Ad3


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Émilie Dürand-Lefèvre", "EMILIE DURAND-LEFEVRE"),
        ("12, rue de l'Œuvre", "12, RUE DE L'OEUVRE"),
        ("Straße 5 — 2ᵉ étage", "STRASSE 5 2E ETAGE"),
        ("Résidence « Les Érables », bâtiment C, escalier 4", "RESIDENCE LES ERABLES , BATIMENT"),
    ],
)
def test_address_lines_are_upper_case_ascii_within_32_characters(typed, sent):
    assert text.ascii_upper(typed) == sent
    assert ADDRESS_LINE.match(sent)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Lyon 3e Arrondissement", "LYON"),
        ("Paris 09", "PARIS"),
        ("Saint-Étienne", "SAINT-ETIENNE"),
        ("L'Haÿ-les-Roses", "L'HAY-LES-ROSES"),
        ("Marseille Cedex 08", "MARSEILLE"),
    ],
)
def test_towns(typed, sent):
    assert text.town(typed) == sent


@pytest.mark.parametrize(
    ("typed", "country", "sent"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
        ("0032 470 12 34 56", "BE", "+32470123456"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("", "FR", ""),
    ],
)
def test_phone_numbers_in_international_form(typed, country, sent):
    assert text.phone(typed, country=country) == sent


def test_file_number_email_and_language():
    assert text.file_number("R-7KQ2-M9XD") == "R-7KQ2-M9XD"
    assert text.file_number("rma/2026/000123456") == "RMA 2026 000123"
    assert text.email("emilie@example.fr") == "emilie@example.fr"
    assert text.email("not an email") == ""
    assert (text.language("fr"), text.language("en-gb"), text.language("")) == ("FR", "EN", "FR")
