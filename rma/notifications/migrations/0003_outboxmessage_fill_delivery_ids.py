"""Give every existing outbox message its own delivery id before the column becomes unique and required."""

import uuid

from django.db import migrations


def fill_delivery_ids(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    for pk in OutboxMessage.objects.filter(delivery_id__isnull=True).values_list("pk", flat=True).iterator():
        OutboxMessage.objects.filter(pk=pk).update(delivery_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_outboxmessage_delivery_id"),
    ]

    operations = [
        migrations.RunPython(fill_delivery_ids, migrations.RunPython.noop),
    ]
