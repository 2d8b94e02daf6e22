"""Shop API, a shipment's files: manifest (PDF, CSV) and carton labels, after the scope check."""

from uuid import UUID

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.views import APIView

from rma.core.private_files import field_file_response
from rma.shipping.choices import ShipmentStatus
from rma.shipping.manifests import carton_barcode_label_pdf
from rma.shipping.models import Shipment
from rma.shipping.services.shipment_documents import shipment_documents_generate
from rma.store.api.common import (
    PDF_RESPONSE,
    POSITION,
    PUBLIC_ID,
    StoreRoles,
    carton_for,
    schema,
    shipment_for,
)


def _documents(shipment: Shipment) -> Shipment:
    if shipment.status == ShipmentStatus.OPEN:
        raise Http404
    if shipment.documents_ready_at is None:
        return shipment_documents_generate(shipment_id=shipment.pk)
    return shipment


def _file(field_file: FieldFile, filename: str, content_type: str) -> HttpResponseBase:
    if not field_file:
        raise Http404
    return field_file_response(
        field_file=field_file, content_type=content_type, filename=filename, as_attachment=False
    )


class StoreShipmentManifestApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_shipment_manifest",
        summary="A closed shipment's manifest (PDF or CSV)",
        parameters=[
            PUBLIC_ID,
            OpenApiParameter("format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["pdf", "csv"]),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID, extension: str) -> HttpResponseBase:
        if extension not in ("pdf", "csv"):
            raise Http404
        shipment = _documents(shipment_for(request, public_id))
        if extension == "pdf":
            return _file(shipment.manifest_pdf, f"{shipment.number}-manifest.pdf", "application/pdf")
        return _file(shipment.manifest_csv, f"{shipment.number}-manifest.csv", "text/csv; charset=utf-8")


class StoreCartonLabelApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_carton_label",
        summary="A carton's label: its barcode label (any time), or the carrier's label once closed (PDF or ZPL)",
        parameters=[
            PUBLIC_ID,
            POSITION,
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["barcode.pdf", "label.pdf", "label.zpl"]
            ),
        ],
        response=PDF_RESPONSE,
        status=(200, "application/pdf"),
        errors=(401, 403, 404),
    )
    def get(self, request: Request, public_id: UUID, position: int, kind: str) -> HttpResponseBase:
        shipment = shipment_for(request, public_id)
        if kind == "barcode.pdf":
            carton = carton_for(shipment, position)
            return HttpResponse(carton_barcode_label_pdf(carton=carton), content_type="application/pdf")
        if kind not in ("label.pdf", "label.zpl"):
            raise Http404
        carton = carton_for(_documents(shipment), position)
        if kind == "label.pdf":
            return _file(carton.label_pdf, f"{carton.barcode}-label.pdf", "application/pdf")
        return _file(carton.label_zpl, f"{carton.barcode}-label.zpl", "text/plain; charset=utf-8")
