"""Drop the single-column index on `destination_warehouse`: `returns_dest_status_moved` (0010) starts with that
column and serves every lookup it served, and one index fewer is one write fewer per return."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0004_drop_off_point_earth_index"),
        ("returns", "0010_return_board_and_contact_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="returnrequest",
            name="destination_warehouse",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="return_requests",
                to="locations.warehouse",
                verbose_name="destination warehouse",
            ),
        ),
    ]
