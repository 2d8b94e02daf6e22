"""A shipment's documents: the manifest (A4 PDF and CSV), carton barcode labels and the carriers' carton labels.

Pure rendering from a ShipmentContents (rma.shipping.selectors.shipment_contents) and the shipment's
sites; the services store the files, the views serve them after checking the shop's scope.
"""

import csv
import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from rma.core.formatting import weight
from rma.locations.models import Store, Warehouse
from rma.shipping.carriers import Address, LabelRequest, get_carrier
from rma.shipping.choices import ShipmentItemKind
from rma.shipping.models import Carton, Shipment
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl
from rma.shipping.selectors import ShipmentContents, carton_number

CSV_COLUMNS = (
    "shipment",
    "store",
    "warehouse",
    "carton",
    "carton_position",
    "carton_weight_grams",
    "tracking_number",
    "kind",
    "sku",
    "name",
    "rma_number",
    "quantity",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _latin1(text: str) -> str:
    """Text the PDF's standard fonts can draw (others become "?")."""
    return " ".join(str(text).split()).encode("latin-1", "replace").decode("latin-1")


def manifest_csv(*, contents: ShipmentContents) -> bytes:
    """One row per announced line, carton by carton (UTF-8 with BOM, so that spreadsheets read accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for carton in contents.cartons:
        for line in carton.lines:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        contents.number,
                        contents.store_code,
                        contents.warehouse_code,
                        carton.barcode,
                        carton.position,
                        carton.weight_grams if carton.weight_grams is not None else "",
                        carton.tracking_number,
                        line.kind,
                        line.sku,
                        line.name,
                        line.rma_number,
                        line.quantity,
                    )
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class _Barcode(Flowable):
    """A Code 128 barcode as a platypus flowable."""

    def __init__(self, value: str, *, height: float = 12 * mm, bar_width: float = 0.33 * mm) -> None:
        super().__init__()
        self.barcode = Code128(value, barHeight=height, barWidth=bar_width, humanReadable=False, quiet=False)
        self.width, self.height = self.barcode.width, height

    def draw(self) -> None:
        self.barcode.drawOn(self.canv, 0, 0)


def _weight(grams: int | None) -> str:
    return "-" if grams is None else weight(grams)


def _kind_label(kind: str) -> str:
    return str(ShipmentItemKind(kind).label) if kind in ShipmentItemKind.values else kind


def manifest_pdf(*, shipment: Shipment, contents: ShipmentContents, language: str = "") -> bytes:
    """The A4 manifest: header, shipment barcode, then each carton with its lines, and the totals."""
    with translation.override(language or settings.LANGUAGE_CODE):
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=15 * mm,
            title=f"{_('Manifest')} {contents.number}",
            author=_latin1(settings.RMA_BRAND_NAME),
        )
        width = A4[0] - 30 * mm
        store, warehouse = shipment.store, shipment.warehouse
        head = [
            [_latin1(f"{settings.RMA_BRAND_NAME} · {_('Shipment manifest')}"), contents.number],
            [_("From"), _("To")],
            [
                "\n".join(_latin1(line) for line in [f"{store.code} {store.name}", *store.address_lines]),
                "\n".join(_latin1(line) for line in [f"{warehouse.code} {warehouse.name}", *warehouse.address_lines]),
            ],
        ]
        head_table = Table(head, colWidths=[width / 2, width / 2])
        head_table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 13),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("FONT", (0, 1), (-1, 1), "Helvetica", 7),
                    ("TEXTCOLOR", (0, 1), (-1, 1), colors.grey),
                    ("FONT", (0, 2), (-1, 2), "Helvetica", 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        facts = [
            [_("Status"), _latin1(str(shipment.get_status_display()))],
            [
                _("Closed"),
                date_format(timezone.localtime(shipment.closed_at), "SHORT_DATETIME_FORMAT")
                if shipment.closed_at
                else "-",
            ],
            [_("Carrier"), _latin1(shipment.carrier)],
            [_("Cartons"), str(len(contents.cartons))],
            [_("Units"), str(contents.units)],
            [_("Total weight"), _weight(contents.weight_grams)],
            [_("RMA numbers"), _latin1(", ".join(contents.rma_numbers) or "-")],
        ]
        facts_table = Table(facts, colWidths=[35 * mm, width - 35 * mm])
        facts_table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                    ("FONT", (1, 0), (1, -1), "Helvetica", 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story: list[Flowable] = [head_table, Spacer(1, 3 * mm), _Barcode(contents.number), Spacer(1, 4 * mm)]
        story += [facts_table, Spacer(1, 5 * mm)]
        columns = [_("Kind"), _("SKU"), _("Item"), _("RMA"), _("Qty")]
        col_widths = [38 * mm, 32 * mm, width - 38 * mm - 32 * mm - 30 * mm - 14 * mm, 30 * mm, 14 * mm]
        for carton in contents.cartons:
            title = _("Carton %(position)d · %(barcode)s · %(weight)s") % {
                "position": carton.number,
                "barcode": carton.barcode,
                "weight": _weight(carton.weight_grams),
            }
            if carton.tracking_number:
                title += f" · {_('Tracking')} {carton.tracking_number}"
            rows = [[_latin1(title), "", "", "", ""], columns]
            rows += [
                [
                    _latin1(_kind_label(line.kind)),
                    _latin1(line.sku),
                    _latin1(line.name[:60]),
                    line.rma_number or "",
                    str(line.quantity),
                ]
                for line in carton.lines
            ]
            rows.append(["", "", _("Units in this carton"), "", str(carton.units)])
            table = Table(rows, colWidths=col_widths, repeatRows=2)
            table.setStyle(
                TableStyle(
                    [
                        ("SPAN", (0, 0), (-1, 0)),
                        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecea")),
                        ("FONT", (0, 1), (-1, 1), "Helvetica-Bold", 7.5),
                        ("TEXTCOLOR", (0, 1), (-1, 1), colors.grey),
                        ("FONT", (0, 2), (-1, -1), "Helvetica", 8.5),
                        ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
                        ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
                        ("LINEBELOW", (0, 1), (-1, -2), 0.25, colors.lightgrey),
                        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                    ]
                )
            )
            story += [table, Spacer(1, 4 * mm)]
        doc.build(story)
        return buffer.getvalue()


def carton_barcode_label_pdf(*, carton: Carton) -> bytes:
    """The label stuck on a carton while it is filled (A6): its barcode, shipment, shop and warehouse."""
    shipment = carton.shipment
    width, height = 105 * mm, 148 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    canvas.setTitle(carton.barcode)
    margin = 8 * mm
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(margin, height - margin - 4 * mm, _latin1(settings.RMA_BRAND_NAME))
    canvas.setFont("Helvetica", 8)
    canvas.drawString(margin, height - margin - 9 * mm, "CARTON / CARTON")
    canvas.setFont("Helvetica-Bold", 28)
    canvas.drawString(margin, height - margin - 22 * mm, f"#{carton_number(carton=carton)}")
    canvas.setFont("Helvetica", 9)
    y = height - margin - 32 * mm
    for line in (
        f"{shipment.number}",
        _latin1(f"{shipment.store.code} {shipment.store.name}"),
        _latin1(f"-> {shipment.warehouse.code} {shipment.warehouse.name}"),
    ):
        canvas.drawString(margin, y, line)
        y -= 5 * mm
    bar_width = 0.4 * mm
    barcode = Code128(carton.barcode, barHeight=28 * mm, barWidth=bar_width, humanReadable=False)
    while barcode.width > width - 2 * margin and bar_width > 0.2 * mm:
        bar_width -= 0.02 * mm
        barcode = Code128(carton.barcode, barHeight=28 * mm, barWidth=bar_width, humanReadable=False)
    barcode.drawOn(canvas, (width - barcode.width) / 2, 30 * mm)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(width / 2, 22 * mm, carton.barcode)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _address(site: Store | Warehouse) -> Address:
    return Address(
        name=f"{site.name}",
        line1=site.address_line1,
        line2=site.address_line2,
        postcode=site.postcode,
        city=site.city,
        country=site.country,
        phone=getattr(site, "phone", "") or "",
    )


def carton_carrier_label_files(*, shipment: Shipment, carton: Carton) -> tuple[str, bytes, bytes]:
    """Ask the shipment's carrier for a carton's label; returns (tracking number, PDF A6, ZPL 4x6).

    The carton's public id is the carrier's idempotency key: asking again gives the same tracking number.
    """
    carrier = get_carrier(shipment.carrier)
    sender, recipient = _address(shipment.store), _address(shipment.warehouse)
    answer = carrier.create_label(
        request=LabelRequest(
            reference=f"carton:{carton.public_id}",
            sender=sender,
            recipient=recipient,
            rma_number=carton.barcode,
            qr_payload=carton.barcode,
            weight_grams=carton.weight_grams or 1000,
            service="shop_shipment",
        )
    )
    count = Carton.objects.filter(shipment=shipment).count()
    number = carton_number(carton=carton)
    content = LabelContent(
        sender=sender,
        recipient=recipient,
        rma_number=carton.barcode,
        tracking_number=answer.tracking_number,
        qr_payload=carton.barcode,
        carrier_name=settings.RMA_BRAND_NAME if carrier.code == "builtin" else carrier.code.title(),
        service_label="NAVETTE / SHOP SHIPMENT",
        reference_lines=(shipment.number, f"Carton {number}/{count}", _weight(carton.weight_grams)),
    )
    pdf = render_label_pdf(content=content, size="A6")
    zpl = render_label_zpl(content=content).encode("utf-8")
    return answer.tracking_number, pdf, zpl
