"""A shipment's files (manifest, carton labels, barcode labels), served after the scope check."""

from uuid import UUID

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase

from rma.core.private_files import field_file_response
from rma.shipping.choices import ShipmentStatus
from rma.shipping.manifests import carton_barcode_label_pdf
from rma.shipping.models import Shipment
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.store.views.common import StoreRequest, store_view
from rma.store.views.shipments import carton_or_404, shipment_or_404


def _documents_ready(shipment: Shipment) -> Shipment:
    """The shipment with its documents, made now if the worker has not yet (closed shipments only)."""
    if shipment.status == ShipmentStatus.OPEN:
        raise Http404
    if shipment.documents_ready_at is None:
        return shipment_documents_generate(shipment_id=shipment.pk)
    return shipment


def _file(field_file: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    if not field_file:
        raise Http404
    return field_file_response(
        field_file=field_file, content_type=content_type, filename=filename, as_attachment=False
    )


@store_view
def manifest_file(request: StoreRequest, public_id: UUID, extension: str) -> HttpResponseBase:
    if extension not in ("pdf", "csv"):
        raise Http404
    shipment = _documents_ready(shipment_or_404(request, public_id))
    if extension == "pdf":
        return _file(shipment.manifest_pdf, filename=f"{shipment.number}-manifest.pdf", content_type="application/pdf")
    return _file(
        shipment.manifest_csv, filename=f"{shipment.number}-manifest.csv", content_type="text/csv; charset=utf-8"
    )


@store_view
def carton_label_file(request: StoreRequest, public_id: UUID, position: int, extension: str) -> HttpResponseBase:
    if extension not in ("pdf", "zpl"):
        raise Http404
    shipment = _documents_ready(shipment_or_404(request, public_id))
    carton = carton_or_404(shipment, position)
    if extension == "pdf":
        return _file(carton.label_pdf, filename=f"{carton.barcode}-label.pdf", content_type="application/pdf")
    return _file(carton.label_zpl, filename=f"{carton.barcode}-label.zpl", content_type="text/plain; charset=utf-8")


@store_view
def carton_barcode_file(request: StoreRequest, public_id: UUID, position: int) -> HttpResponse:
    shipment = shipment_or_404(request, public_id)
    carton = carton_or_404(shipment, position)
    response = HttpResponse(carton_barcode_label_pdf(carton=carton), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{carton.barcode}.pdf"'
    return response
