"""The default scales' worn-or-used grade (C: "Worn or minor damage", "Used") shows wear, as
rma.warehouse.services.reference_data seeds it from now on. Only grades still labelled as seeded are marked: a C
renamed by hand to mean something else is left for its owner to mark."""

from django.db import migrations

# (category, English label of its C grade) as reference_data seeds them.
SEEDED_WEAR_GRADES = (
    ("apparel", "Worn or minor damage"),
    ("footwear", "Worn or minor damage"),
    ("electronics", "Used or minor damage"),
    ("home", "Used or minor damage"),
    ("beauty", "Used"),
    ("other", "Used or minor damage"),
)


def wear_grades_mark(apps, schema_editor):
    Grade = apps.get_model("warehouse", "Grade")
    for category, label_en in SEEDED_WEAR_GRADES:
        Grade.objects.using(schema_editor.connection.alias).filter(
            scale__category=category, code="C", label_en=label_en
        ).update(signals_wear=True)


def wear_grades_unmark(apps, schema_editor):
    Grade = apps.get_model("warehouse", "Grade")
    Grade.objects.using(schema_editor.connection.alias).update(signals_wear=False)


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0006_grade_signals_wear"),
    ]

    operations = [
        migrations.RunPython(wear_grades_mark, wear_grades_unmark),
    ]
