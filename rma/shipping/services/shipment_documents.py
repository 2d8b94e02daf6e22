"""A closed shipment's documents: the carriers' carton labels and the manifest (made by a worker)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rma.core.exceptions import DomainError
from rma.shipping.choices import ShipmentStatus
from rma.shipping.models import Carton, Shipment
from rma.shipping.selectors import shipment_contents

# ---- Documents (made by a worker after close: shipment_documents_generate_task)


def shipment_documents_generate(*, shipment_id: int) -> Shipment:
    """Make the carriers' carton labels and the manifest (PDF, CSV); safe to run twice (files overwritten)."""
    from rma.shipping.manifests import carton_carrier_label_files, manifest_csv, manifest_pdf

    shipment = Shipment.objects.select_related("store", "warehouse").get(pk=shipment_id)
    if shipment.status == ShipmentStatus.OPEN:
        raise DomainError(_("A shipment's documents are made once it is closed."), code="shipment_open")
    for carton in Carton.objects.filter(shipment=shipment).order_by("position"):
        if carton.tracking_number and carton.label_pdf and carton.label_zpl:
            continue
        tracking, pdf, zpl = carton_carrier_label_files(shipment=shipment, carton=carton)
        with transaction.atomic():
            locked_carton = Carton.objects.select_for_update().get(pk=carton.pk)
            locked_carton.tracking_number = tracking
            locked_carton.label_pdf.save(f"{locked_carton.barcode}-label.pdf", ContentFile(pdf), save=False)
            locked_carton.label_zpl.save(f"{locked_carton.barcode}-label.zpl", ContentFile(zpl), save=False)
            locked_carton.save(update_fields=["tracking_number", "label_pdf", "label_zpl", "updated_at"])
    contents = shipment_contents(shipment=shipment)
    with transaction.atomic():
        locked_shipment = Shipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
        for field_file in (locked_shipment.manifest_pdf, locked_shipment.manifest_csv):
            if field_file:
                field_file.delete(save=False)
        pdf = manifest_pdf(shipment=locked_shipment, contents=contents)
        locked_shipment.manifest_pdf.save(f"{locked_shipment.number}-manifest.pdf", ContentFile(pdf), save=False)
        locked_shipment.manifest_csv.save(
            f"{locked_shipment.number}-manifest.csv", ContentFile(manifest_csv(contents=contents)), save=False
        )
        locked_shipment.documents_ready_at = timezone.now()
        locked_shipment.save(update_fields=["manifest_pdf", "manifest_csv", "documents_ready_at", "updated_at"])
    return locked_shipment


def shipments_documents_missing() -> list[int]:
    """Closed (or later) shipments whose documents were never made: for a sweeper to send again."""
    return list(
        Shipment.objects.exclude(status=ShipmentStatus.OPEN)
        .filter(documents_ready_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    )
