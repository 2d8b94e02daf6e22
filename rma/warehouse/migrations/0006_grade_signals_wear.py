"""Grades that show a unit was worn or used (wardrobing, in the customer's history). 0007 marks the default scales'
ones."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("warehouse", "0005_store_credit_at_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="grade",
            name="signals_wear",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "The unit was worn or used beyond trying it: counted in the customer's history (kept and sent "
                    "back, wardrobing) and in their risk score."
                ),
                verbose_name="shows wear or use",
            ),
        ),
    ]
