"""``manage.py tracking_poll [TRACKING_NUMBER ...]``: ask the carriers for tracking now, in this process.

What the half-hourly beat job does through the workers (rma.shipping.tracking_tasks), without them: handy after an
outage, or to see at once what a carrier says about one parcel. Safe to run any number of times.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rma.shipping.carriers import CarrierUnavailable
from rma.shipping.models import Label
from rma.shipping.services.tracking import label_track, labels_due_for_tracking


class Command(BaseCommand):
    help = (
        "Ask the carriers for the tracking events of the given tracking numbers (default: every label whose parcel "
        "should be moving, as the beat's poll would) and apply them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tracking_numbers", nargs="*", help="Tracking numbers (default: every due label).")
        parser.add_argument("--batch", type=int, default=500, help="At most this many labels (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        numbers: list[str] = options["tracking_numbers"]
        if numbers:
            found = dict(Label.objects.filter(tracking_number__in=numbers).values_list("tracking_number", "pk"))
            unknown = [n for n in numbers if n not in found]
            if unknown:
                raise CommandError(f"No label with tracking number {', '.join(unknown)}.")
            label_ids = [found[n] for n in numbers]
        else:
            label_ids = labels_due_for_tracking(batch=options["batch"], every=timedelta(0))
        stored = moved = failed = 0
        for label_id in label_ids:
            try:
                applied = label_track(label_id=label_id)
            except CarrierUnavailable as exc:
                failed += 1
                self.stderr.write(f"label {label_id}: the carrier did not answer ({exc}); try again later")
                continue
            if applied is not None:
                stored += applied.stored
                moved += bool(applied.moved_to)
        self.stdout.write(
            f"{len(label_ids)} label(s) asked: {stored} new event(s), {moved} return(s) on their way, "
            f"{failed} carrier outage(s)."
        )
