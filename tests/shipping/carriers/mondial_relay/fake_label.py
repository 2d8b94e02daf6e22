"""The label PDF the fake serves at URL_Etiquette: one page in the size asked (A4, A5, 10x15), laid out like Mondial
Relay's ("WEB SERVICE DUAL CARRIER" V-2.3, "Sample single carrier label": the sender, the recipient, the expedition
number, weight and collection point, and a Code 128 barcode). Mondial Relay's barcode holds a longer sort code that
contains the expedition number; the fake's holds the expedition number itself, so a scanner at the warehouse reads
the tracking number the portal stored."""

import io
from collections.abc import Mapping

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas

PAGE_SIZES = {"A4": A4, "A5": A5, "10x15": (10 * cm, 15 * cm)}


def label_pdf(*, number: str, size: str, params: Mapping[str, str]) -> bytes:
    """A one-page label for expedition `number` made from the booking's parameters."""
    width, height = PAGE_SIZES[size]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=0)
    canvas.setTitle(f"Mondial Relay {number}")
    margin = 0.6 * cm
    # A label is 10x15 cm; on A4/A5 it sits in the top-left corner, as Mondial Relay prints it.
    box_width = min(width, 10 * cm) - 2 * margin
    top = height - margin
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(margin, top - 14, "MONDIAL RELAY")
    canvas.setFont("Helvetica", 8)
    canvas.drawString(margin, top - 26, f"Mode {params.get('ModeCol', '')} / {params.get('ModeLiv', '')}")
    lines = [
        ("Expediteur", [params.get(f"Expe_Ad{n}", "") for n in (1, 2, 3, 4)], "Expe"),
        ("Destinataire", [params.get(f"Dest_Ad{n}", "") for n in (1, 2, 3, 4)], "Dest"),
    ]
    y = top - 44
    for title, address, prefix in lines:
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(margin, y, title)
        canvas.setFont("Helvetica", 8)
        for line in [*address, f"{params.get(f'{prefix}_CP', '')} {params.get(f'{prefix}_Ville', '')}"]:
            if line.strip():
                y -= 10
                canvas.drawString(margin, y, line)
        y -= 16
    point = f"{params.get('COL_Rel_Pays', '')}-{params.get('COL_Rel', '')}".strip("-")
    canvas.drawString(margin, y, f"Expedition {number}   Poids {params.get('Poids', '')} g   Point {point}")
    barcode = Code128(number, barHeight=1.6 * cm, barWidth=max(0.9, min(2.2, box_width / 110)), quiet=True)
    canvas.saveState()
    barcode.drawOn(canvas, margin, y - 2.4 * cm)
    canvas.restoreState()
    canvas.setFont("Helvetica", 10)
    canvas.drawString(margin, y - 2.9 * cm, number)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
