"""Fill `status_changed_at` and `received_at` of existing returns from their events (the audit trail).

`status_changed_at` is the latest event into the current status (else `updated_at`, what the board used before);
`received_at` the latest event into "received" (else `updated_at` for a return still waiting at the warehouse).
In slices of ids, so that a large table is not one long statement.
"""

from django.db import migrations
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

SLICE = 10_000
WAITING = ("received", "inspected")


def fill(apps, schema_editor):
    ReturnRequest = apps.get_model("returns", "ReturnRequest")
    ReturnEvent = apps.get_model("returns", "ReturnEvent")

    def latest(status):
        return Subquery(
            ReturnEvent.objects.filter(return_request=OuterRef("pk"), to_status=status)
            .values("return_request")
            .annotate(at=Max("created_at"))
            .values("at")[:1]
        )

    last = ReturnRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, SLICE):
        rows = ReturnRequest.objects.filter(pk__gte=start, pk__lt=start + SLICE)
        rows.update(status_changed_at=Coalesce(latest(OuterRef("status")), F("updated_at")))
        rows.update(received_at=latest("received"))
        rows.filter(status__in=WAITING, received_at__isnull=True).update(received_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0008_return_status_changed_and_received_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
