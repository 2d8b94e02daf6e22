"""When a return last changed status, and when it was received: stored by return_request_transition so that the
warehouse board orders on indexed columns instead of the latest event of each row. Filled by 0009."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0007_policy_tracking_late_after_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnrequest",
            name="received_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="received at"),
        ),
        migrations.AddField(
            model_name="returnrequest",
            name="status_changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="status changed at"
            ),
        ),
    ]
