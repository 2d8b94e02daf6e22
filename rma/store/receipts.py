"""The receipt a customer takes home from the counter: A4 page or 80 mm thermal ticket (PDF)."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from rma.locations.models import Store
from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest
from rma.shipping.choices import CounterCondition

RECEIPT_SIZES = ("a4", "80mm")
_TICKET_WIDTH = 80 * mm
_FONT, _BOLD = "Helvetica", "Helvetica-Bold"


def _latin1(text: object) -> str:
    return " ".join(str(text).split()).encode("latin-1", "replace").decode("latin-1")


def _wrap(text: str, *, font: str, size: float, width: float) -> list[str]:
    """Split text into lines that fit `width` (words longer than a line are cut)."""
    lines: list[str] = []
    current = ""
    for word in _latin1(text).split(" "):
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _receipt_blocks(*, return_request: ReturnRequest, store: Store) -> list[tuple[str, str, float]]:
    """The receipt as (text, font, size) lines, the same for both formats."""
    checks = []
    for line in return_request.lines.all():
        check = getattr(line, "counter_check", None)
        checks.append((line, check))
    checked_at = max((c.created_at for _line, c in checks if c is not None), default=timezone.now())
    blocks: list[tuple[str, str, float]] = [
        (settings.RMA_BRAND_NAME, _BOLD, 13),
        (f"{store.name}", _BOLD, 10),
        *[(line, _FONT, 9) for line in store.address_lines],
        ("", _FONT, 6),
        (_("Return receipt"), _BOLD, 12),
        (_("RMA number: %(rma)s") % {"rma": return_request.rma_number}, _BOLD, 11),
        (_("Order: %(number)s") % {"number": return_request.order.number}, _FONT, 9),
        (
            _("Date: %(when)s") % {"when": date_format(timezone.localtime(checked_at), "SHORT_DATETIME_FORMAT")},
            _FONT,
            9,
        ),
        (_("Status: %(status)s") % {"status": ReturnStatus(return_request.status).label}, _FONT, 9),
        ("", _FONT, 6),
    ]
    for line, check in checks:
        blocks.append((f"{line.order_line.name} × {line.quantity}", _BOLD, 9.5))
        blocks.append((f"{_('SKU')} {line.order_line.sku}", _FONT, 8.5))
        if check is None:
            blocks.append((_("Not checked yet"), _FONT, 8.5))
        else:
            blocks.append(
                (_("Condition: %(condition)s") % {"condition": CounterCondition(check.condition).label}, _FONT, 8.5)
            )
            if check.accepted:
                blocks.append((_("Accepted"), _BOLD, 9))
            else:
                blocks.append((_("Refused: %(reason)s") % {"reason": check.refusal_reason}, _BOLD, 9))
        blocks.append(("", _FONT, 4))
    accepted = [c for _line, c in checks if c is not None and c.accepted]
    if accepted:
        blocks.append((_("The shop sends the accepted items to our warehouse. Keep this receipt."), _FONT, 8.5))
    else:
        blocks.append((_("No item was accepted: the return is cancelled and the items stay with you."), _FONT, 8.5))
    blocks.append(
        (
            _("Follow your return: %(url)s")
            % {"url": f"{settings.RMA_PUBLIC_BASE_URL.rstrip('/')}/r/{return_request.public_id}/"},
            _FONT,
            7.5,
        )
    )
    return blocks


def render_counter_receipt_pdf(*, return_request: ReturnRequest, store: Store, size: str = "a4") -> bytes:
    """The counter receipt as a PDF: an A4 page, or an 80 mm ticket as long as its content."""
    if size not in RECEIPT_SIZES:
        raise ValueError(f"unknown receipt size {size!r}")
    blocks = _receipt_blocks(return_request=return_request, store=store)
    if size == "a4":
        page_width, margin = A4[0], 20 * mm
    else:
        page_width, margin = _TICKET_WIDTH, 4 * mm
    text_width = page_width - 2 * margin
    wrapped = [
        (text, font, fs) for raw, font, fs in blocks for text in _wrap(raw, font=font, size=fs, width=text_width)
    ]
    barcode = Code128(return_request.rma_number, barHeight=12 * mm, barWidth=0.3 * mm, humanReadable=False)
    content_height = sum(fs * 1.3 for _t, _f, fs in wrapped) + barcode.height + 8 * mm
    page_height = A4[1] if size == "a4" else content_height + 2 * margin
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), pageCompression=1)
    canvas.setTitle(f"{_('Return receipt')} {return_request.rma_number}")
    y = page_height - margin
    for text, font, font_size in wrapped:
        y -= font_size * 1.3
        if y < margin:  # A4 overflow: continue on a new page
            canvas.showPage()
            y = page_height - margin - font_size * 1.3
        canvas.setFont(font, font_size)
        canvas.drawString(margin, y, text)
    y -= barcode.height + 6 * mm
    if y < margin:
        canvas.showPage()
        y = page_height - margin - barcode.height
    barcode.drawOn(canvas, margin + max(0.0, (text_width - barcode.width) / 2), y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
