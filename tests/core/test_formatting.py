"""Money, weights, numbers and dates read the way the reader writes them, and the French catalogue follows French
typography (non-breaking spaces before : ; ? ! and inside « », typographic apostrophes)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from rma.core.formatting import choice_label, long_date, money, person_name, weight
from rma.core.forms import DecimalCommaField
from rma.returns.choices import ReturnStatus
from tests.core.factories import UserFactory
from tests.portal.test_translations import po_entries

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "weight_text", "first_of_month"),
    [
        ("fr", f"69,00{NBSP}€", f"1,5{NBSP}kg", "1er décembre 2026"),
        ("en", "€69.00", f"1.5{NBSP}kg", "December 1, 2026"),
    ],
)
def test_money_weights_and_dates_in_the_readers_language(language, amount, weight_text, first_of_month):
    with translation.override(language):
        assert money(Decimal("69"), "EUR") == amount
        assert weight(1500) == weight_text
        assert long_date(date(2026, 12, 1)) == first_of_month
        rendered = Template(
            "{% load rma_format %}{{ amount|money:'EUR' }}|{{ grams|weight }}|{{ day|long_date }}"
        ).render(Context({"amount": Decimal("69.00"), "grams": 1500, "day": date(2026, 12, 1)}))
    assert rendered == f"{amount}|{weight_text}|{first_of_month}"


def test_only_the_first_of_the_month_is_an_ordinal():
    with translation.override("fr"):
        assert long_date(date(2026, 12, 2)) == "2 décembre 2026"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("typed", "value"), [("1,5", "1.5"), ("1.5", "1.5"), ("1 234,50", "1234.50"), ("2", "2")])
def test_a_number_field_takes_a_decimal_comma_or_point(language, typed, value):
    field = DecimalCommaField(max_digits=8, decimal_places=3)
    with translation.override(language):
        assert field.clean(typed) == Decimal(value)


def test_a_number_field_shows_its_value_in_the_readers_notation():
    field = DecimalCommaField(max_digits=8, decimal_places=3)
    with translation.override("fr"):
        assert 'value="1,25"' in field.widget.render("weight", Decimal("1.25"))


def test_staff_are_named_by_their_full_name_when_they_have_one():
    assert person_name(UserFactory.build(username="alice", first_name="Alice", last_name="Martin")) == "Alice Martin"
    assert person_name(UserFactory.build(username="bob", first_name="", last_name="")) == "bob"


def _french_strings() -> list[str]:
    path = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    strings = []
    for entry in po_entries(path):
        strings += [value for key, value in entry.items() if key.startswith("msgstr") and isinstance(value, str)]
    return strings


def test_french_strings_put_a_non_breaking_space_before_high_punctuation():
    wrong = [s for s in _french_strings() if re.search(r" [:;?!»]|« ", s)]
    assert wrong == []


def test_french_strings_use_typographic_apostrophes():
    wrong = [s for s in _french_strings() if re.search(r"[^\W\d_]'[^\W\d_]", s)]
    assert wrong == []


def test_french_emails_follow_french_typography():
    folder = Path(settings.BASE_DIR) / "templates" / "emails" / "fr"
    for template in folder.iterdir():
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", "", template.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r" [:;?!»]|« |[^\W\d_]'[^\W\d_]", text), template.name


def test_a_choice_s_label_is_read_in_the_reader_s_language():
    with translation.override("fr"):
        assert choice_label(ReturnStatus, "in_transit") == ReturnStatus.IN_TRANSIT.label
        assert choice_label(ReturnStatus, "in_transit") != "On its way"
    with translation.override("en"):
        assert choice_label(ReturnStatus, "in_transit") == "On its way"
    assert choice_label(ReturnStatus, "no-such-status") == "no-such-status"
