"""Which grades show wear or use (counted as wardrobing in the customer's history): the default scales' C."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from rma.warehouse.models import Grade

pytestmark = pytest.mark.django_db


def test_the_default_scales_worn_or_used_grade_shows_wear(reference_data):
    wear = set(Grade.objects.filter(signals_wear=True).values_list("scale__category", "code", "label_en"))

    assert wear == {
        ("apparel", "C", "Worn or minor damage"),
        ("footwear", "C", "Worn or minor damage"),
        ("electronics", "C", "Used or minor damage"),
        ("home", "C", "Used or minor damage"),
        ("beauty", "C", "Used"),
        ("other", "C", "Used or minor damage"),
    }


def test_the_migration_marks_the_seeded_grades_and_leaves_a_renamed_one(reference_data):
    Grade.objects.update(signals_wear=False)  # as before the migration
    Grade.objects.filter(scale__category="home", code="C").update(label_en="Open box")  # renamed by hand
    migration = importlib.import_module("rma.warehouse.migrations.0007_grade_signals_wear_defaults")

    migration.wear_grades_mark(apps, type("Editor", (), {"connection": connection}))

    marked = set(Grade.objects.filter(signals_wear=True).values_list("scale__category", flat=True))
    assert marked == {"apparel", "footwear", "electronics", "beauty", "other"}
