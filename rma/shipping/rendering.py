"""Shipping label rendering: an A6 or 4x6 in PDF (reportlab) and 4x6 in ZPL for 203 dpi thermal printers."""

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab import rl_config
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from rma.shipping.carriers.base import Address
from rma.shipping.qr_symbols import qr_matrix

# Page streams Flate-compressed without reportlab's ASCII85 layer on top (a process-wide switch: every PDF of the
# product): binary streams are standard since PDF 1.2, a fifth smaller, and skip a pure-Python encoder.
rl_config.useA85 = 0

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A6": (105 * mm, 148 * mm),
    "4x6": (4 * inch, 6 * inch),
}

# One 300 dpi printer dot in points: bars and QR modules are whole dots wide, so they scan when printed at 300 dpi.
_DOT = 72 / 300
_MARGIN = 12.0
_FONT = "Helvetica"
_BOLD = "Helvetica-Bold"
_ELLIPSIS = "\u2026"

# Letters that Unicode does not decompose into a Latin-1 base letter plus an accent.
_FALLBACKS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "ŀ": "l"})
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_QR_RUN_RE = re.compile(rb"\x01+")


@dataclass(frozen=True, slots=True)
class LabelContent:
    """Everything printed on a label."""

    sender: Address
    recipient: Address
    rma_number: str
    tracking_number: str
    qr_payload: str
    carrier_name: str
    service_label: str = "RETOUR / RETURN"
    reference_lines: tuple[str, ...] = ()


# ---- Text shared by both formats


def _one_line(text: str) -> str:
    """Return `text` on one line: control characters and runs of white space become one space."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # the usual case, about 5x faster than the regex
    return " ".join(_CONTROL_RE.sub(" ", text).split())


def _address_lines(address: Address) -> list[str]:
    """Return the printable lines of an address below the name (empty lines dropped)."""
    lines = [address.line1, address.line2, f"{address.postcode} {address.city}", address.country.upper()]
    return [line for line in map(_one_line, lines) if line]


# ---- PDF


@lru_cache(maxsize=4096)
def _pdf_text(text: str) -> str:
    """Return `text` on one line using only characters the standard PDF fonts can show (cp1252)."""
    text = _one_line(text)
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        chars = []
        for char in text.translate(_FALLBACKS):
            try:
                char.encode("cp1252")
            except UnicodeEncodeError:
                base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
                char = base if base.isascii() and base.isprintable() and base else "?"
            chars.append(char)
        text = "".join(chars)
    return text


def _fit(text: str, *, font: str, size: float, width: float, min_size: float) -> tuple[str, float]:
    """Shrink the font size (down to min_size), then cut the text, until it fits `width`."""
    text = _pdf_text(text)
    actual = stringWidth(text, font, size)
    if actual <= width:
        return text, size
    size = max(min_size, size * width / actual)
    if stringWidth(text, font, size) <= width:
        return text, size
    while text and stringWidth(text + _ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS, size


def _draw_line(canvas: Canvas, *, x: float, y: float, text: str, font: str, size: float, width: float) -> None:
    text, size = _fit(text, font=font, size=size, width=width, min_size=min(size, 6.5))
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


@lru_cache(maxsize=1024)
def _code128_runs(value: str) -> tuple[tuple[int, int], ...]:
    """Return the bars of the Code 128 symbol of `value` as (start, width) in modules, quiet zones excluded."""
    barcode = Code128(value)
    barcode.validate()
    barcode.encode()
    barcode.decompose()
    runs, position = [], 0
    # reportlab's decomposition: an upper-case letter is a bar, a lower-case one a space, "A" = one module wide.
    for char in barcode.decomposed:
        modules = ord(char.upper()) - ord("A") + 1
        if char.isupper():
            runs.append((position, modules))
        position += modules
    return tuple(runs)


@lru_cache(maxsize=256)
def _qr_runs(payload: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Return the QR symbol size in modules and its dark modules as (row, start, length) runs."""
    matrix = qr_matrix(payload)
    runs = tuple(
        (row, match.start(), match.end() - match.start())
        for row, line in enumerate(matrix)
        for match in _QR_RUN_RE.finditer(bytes(line))
    )
    return len(matrix), runs


def _draw_runs(canvas: Canvas, *, x: float, y: float, scale_x: float, scale_y: float, rects: list[str]) -> None:
    """Fill rectangles given as "x y w h re" in module units as one path, scaled and placed at (x, y)."""
    canvas.saveState()
    canvas.transform(scale_x, 0, 0, scale_y, x, y)
    # One literal path in small integer units: one rect() call per run costs more than the rest of the label.
    canvas.addLiteral(" ".join(rects) + " f")
    canvas.restoreState()


def _snap(value: float) -> float:
    return round(value / _DOT) * _DOT


def _draw_code128(canvas: Canvas, *, value: str, center_x: float, y: float, max_width: float, height: float) -> None:
    runs = _code128_runs(value)
    modules = runs[-1][0] + runs[-1][1]
    # Whole printer dots per module (6 dots = 1.44 pt for 13-character S10 numbers), 10-module quiet zones.
    dots = min(6, int(max_width / (modules + 20) / _DOT))
    module = dots * _DOT if dots >= 2 else max_width / (modules + 20)
    x = _snap(center_x - modules * module / 2)
    rects = [f"{start} 0 {width} 1 re" for start, width in runs]
    _draw_runs(canvas, x=x, y=y, scale_x=module, scale_y=height, rects=rects)


def _draw_qr(canvas: Canvas, *, payload: str, x: float, y: float, size: float) -> float:
    """Draw the QR code of `payload` in a square of side `size` at (x, y); return its drawn side."""
    count, runs = _qr_runs(payload)
    module = max(_DOT, int(size / count / _DOT) * _DOT)
    side = module * count
    rects = [f"{start} {count - 1 - row} {length} 1 re" for row, start, length in runs]
    _draw_runs(
        canvas,
        x=_snap(x + (size - side) / 2),
        y=_snap(y + (size - side) / 2),
        scale_x=module,
        scale_y=module,
        rects=rects,
    )
    return side


def _check(content: LabelContent) -> None:
    """Refuse content that cannot make a scannable label."""
    tracking = content.tracking_number
    if not tracking or not tracking.isascii() or not tracking.isprintable():
        raise ValueError(f"a tracking number must be non-empty printable ASCII, got {tracking!r}")
    if not content.qr_payload:
        raise ValueError("the QR code payload must not be empty")


def render_label_pdf(*, content: LabelContent, size: str = "A6") -> bytes:
    """Render a one-page PDF label: addresses, RMA number, Code 128 tracking barcode and drop-off QR code."""
    _check(content)
    try:
        page_width, page_height = PAGE_SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {', '.join(PAGE_SIZES)}") from None
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), pageCompression=1)
    canvas.setTitle(_pdf_text(f"{content.carrier_name} {content.tracking_number}"))
    canvas.setSubject(_pdf_text(f"RMA {content.rma_number}"))
    left, right = _MARGIN, page_width - _MARGIN
    width = right - left
    top = page_height - _MARGIN

    # Header band: carrier and service, white on black.
    band = 24.0
    canvas.rect(left, top - band, width, band, stroke=0, fill=1)
    canvas.setFillGray(1)
    service, service_size = _fit(content.service_label, font=_BOLD, size=11, width=width * 0.55, min_size=7)
    canvas.setFont(_BOLD, service_size)
    canvas.drawRightString(right - 6, top - 16, service)
    _draw_line(canvas, x=left + 6, y=top - 16, text=content.carrier_name, font=_BOLD, size=11, width=width * 0.45 - 18)
    canvas.setFillGray(0)
    y = top - band - 12

    # Sender, small.
    canvas.setFont(_FONT, 6.5)
    canvas.drawString(left, y, "EXPÉDITEUR / FROM")
    y -= 10
    for index, line in enumerate([content.sender.name, *_address_lines(content.sender)]):
        _draw_line(canvas, x=left, y=y, text=line, font=_BOLD if index == 0 else _FONT, size=8, width=width)
        y -= 9.5
    canvas.setLineWidth(0.8)
    canvas.line(left, y + 3, right, y + 3)
    y -= 10

    # Recipient, large.
    canvas.setFont(_FONT, 6.5)
    canvas.drawString(left, y, "DESTINATAIRE / TO")
    y -= 16
    recipient = content.recipient
    _draw_line(canvas, x=left + 6, y=y, text=recipient.name, font=_BOLD, size=14, width=width - 6)
    y -= 15
    for line in [recipient.line1, recipient.line2]:
        if _one_line(line):
            _draw_line(canvas, x=left + 6, y=y, text=line, font=_FONT, size=12, width=width - 6)
            y -= 14
    city = f"{recipient.postcode} {recipient.city}"
    _draw_line(canvas, x=left + 6, y=y - 2, text=city, font=_BOLD, size=14, width=width - 6)
    y -= 17
    if _one_line(recipient.country):
        _draw_line(canvas, x=left + 6, y=y, text=recipient.country.upper(), font=_BOLD, size=11, width=width - 6)
        y -= 13
    if _one_line(recipient.phone):
        _draw_line(canvas, x=left + 6, y=y, text=f"Tél. {recipient.phone}", font=_FONT, size=8, width=width - 6)
        y -= 10
    canvas.line(left, y + 4, right, y + 4)

    # Bottom section (anchored to the bottom margin): RMA number and reference lines left, QR code right.
    bottom = _MARGIN
    qr_box = 92.0
    qr_x = right - qr_box
    _draw_qr(canvas, payload=content.qr_payload, x=qr_x, y=bottom, size=qr_box)
    column = qr_x - left - 8
    text_y = bottom + qr_box - 8
    canvas.setFont(_FONT, 6.5)
    canvas.drawString(left, text_y, "N° DE RETOUR / RMA")
    _draw_line(canvas, x=left, y=text_y - 22, text=content.rma_number, font=_BOLD, size=22, width=column)
    text_y -= 36
    for line in content.reference_lines[:4]:
        _draw_line(canvas, x=left, y=text_y, text=line, font=_FONT, size=7.5, width=column)
        text_y -= 9
    canvas.setFont(_FONT, 6)
    canvas.drawString(left, bottom + 7, "Dépôt sans étiquette : présentez le QR code.")
    canvas.drawString(left, bottom, "Label-free drop-off: show the QR code.")

    # Tracking barcode, centred in the space left between the recipient block and the bottom section.
    area_top, area_bottom = y - 2, bottom + qr_box + 6
    text_size: float = 11
    barcode_height = min(64.0, area_top - area_bottom - text_size - 8)
    barcode_y = area_bottom + text_size + 6 + (area_top - area_bottom - text_size - 6 - barcode_height) / 2
    _draw_code128(
        canvas,
        value=content.tracking_number,
        center_x=page_width / 2,
        y=barcode_y,
        max_width=page_width - 8,
        height=barcode_height,
    )
    tracking, text_size = _fit(content.tracking_number, font=_BOLD, size=text_size, width=width, min_size=7)
    canvas.setFont(_BOLD, text_size)
    canvas.drawCentredString(page_width / 2, barcode_y - text_size - 2, tracking)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---- ZPL (4x6 in at 203 dpi: 812 x 1218 dots)

_ZPL_WIDTH = 812
_ZPL_HEIGHT = 1218
_ZPL_MARGIN = 30
# Bytes a QR code of versions 1, 2, ... holds in byte mode at error correction M (ISO/IEC 18004 table 7).
_QR_BYTES_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666)


def _zpl_escape(text: str) -> str:
    """Return `text` as ^FH_ field data: one line, with the ^ ~ _ characters written as _hex escapes."""
    return _one_line(text).replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def _zpl_text(text: str, *, max_chars: int) -> str:
    """Return escaped field data for `text` cut to about max_chars (ZPL cannot measure text)."""
    text = _one_line(text)
    if len(text) > max_chars:
        text = text[: max_chars - 3].rstrip() + "..."
    return _zpl_escape(text)


def _zpl_field(*, x: int, y: int, height: int, text: str, max_chars: int, reverse: bool = False) -> str:
    reversed_ = "^FR" if reverse else ""
    return f"^FO{x},{y}^A0N,{height},{height}{reversed_}^FH_^FD{_zpl_text(text, max_chars=max_chars)}^FS"


def _zpl_code128(*, value: str, center_x: int, y: int, max_width: int, height: int) -> str:
    """Return a centred ^BC Code 128 field; the printer starts in subset B, 11 modules per character."""
    data = _zpl_escape(value).replace(">", "><")  # ">" starts an invocation code in ^BC data
    modules = 11 * (len(value) + 2) + 13
    module = max(1, min(3, max_width // (modules + 20)))
    x = max(0, center_x - modules * module // 2)
    return f"^FO{x},{y}^BY{module},3,{height}^BCN,{height},Y,N,N^FH_^FD{data}^FS"


def _zpl_qr(*, payload: str, x: int, y: int, size: int) -> str:
    """Return a ^BQ QR code field (error correction M, automatic input mode) fitting about `size` dots."""
    length = len(payload.encode())
    version = next((v for v, capacity in enumerate(_QR_BYTES_M, start=1) if capacity >= length), 25)
    magnification = max(1, min(10, size // (17 + 4 * version)))
    return f"^FO{x},{y}^BQN,2,{magnification}^FH_^FDMA,{_zpl_escape(payload)}^FS"


def render_label_zpl(*, content: LabelContent) -> str:
    """Render a 4x6 in ZPL II label for a 203 dpi thermal printer, with UTF-8 text."""
    _check(content)
    left, width = _ZPL_MARGIN, _ZPL_WIDTH - 2 * _ZPL_MARGIN
    parts = ["^XA", "^CI28", f"^PW{_ZPL_WIDTH}", f"^LL{_ZPL_HEIGHT}", "^LH0,0"]

    # Header band: carrier and service, white on black (^FR reverses each field over the box).
    parts.append(f"^FO{left},30^GB{width},60,60^FS")
    parts.append(_zpl_field(x=left + 15, y=45, height=34, text=content.carrier_name, max_chars=18, reverse=True))
    service = _zpl_text(content.service_label, max_chars=22)
    parts.append(f"^FO{left},45^FB{width - 15},1,0,R,0^A0N,34,34^FR^FH_^FD{service}^FS")

    y = 110
    parts.append(_zpl_field(x=left, y=y, height=20, text="EXPÉDITEUR / FROM", max_chars=60))
    y += 28
    for index, line in enumerate([content.sender.name, *_address_lines(content.sender)]):
        parts.append(_zpl_field(x=left, y=y, height=26 if index == 0 else 24, text=line, max_chars=55))
        y += 28
    parts.append(f"^FO{left},{y + 4}^GB{width},3,3^FS")
    y += 20

    parts.append(_zpl_field(x=left, y=y, height=20, text="DESTINATAIRE / TO", max_chars=60))
    y += 30
    recipient = content.recipient
    parts.append(_zpl_field(x=left + 15, y=y, height=44, text=recipient.name, max_chars=30))
    y += 50
    for line in [recipient.line1, recipient.line2]:
        if _one_line(line):
            parts.append(_zpl_field(x=left + 15, y=y, height=38, text=line, max_chars=34))
            y += 44
    parts.append(_zpl_field(x=left + 15, y=y, height=44, text=f"{recipient.postcode} {recipient.city}", max_chars=30))
    y += 50
    if _one_line(recipient.country):
        parts.append(_zpl_field(x=left + 15, y=y, height=36, text=recipient.country.upper(), max_chars=36))
        y += 42
    if _one_line(recipient.phone):
        parts.append(_zpl_field(x=left + 15, y=y, height=24, text=f"Tél. {recipient.phone}", max_chars=55))
        y += 30
    parts.append(f"^FO{left},{y + 4}^GB{width},3,3^FS")

    # Tracking barcode with its interpretation line below.
    barcode = _zpl_code128(
        value=content.tracking_number, center_x=_ZPL_WIDTH // 2, y=y + 40, max_width=width, height=160
    )
    parts.append(barcode)

    # Bottom: RMA number and reference lines on the left, the drop-off QR code on the right.
    bottom = _ZPL_HEIGHT - 310
    parts.append(_zpl_field(x=left, y=bottom, height=20, text="N° DE RETOUR / RMA", max_chars=40))
    # Shrink rather than cut the RMA number: about 0.55 x height dots per character, 470 dots before the QR code.
    rma_height = max(24, min(56, int(470 / (0.55 * max(1, len(content.rma_number))))))
    parts.append(_zpl_field(x=left, y=bottom + 28, height=rma_height, text=content.rma_number, max_chars=36))
    line_y = bottom + 100
    for line in content.reference_lines[:4]:
        parts.append(_zpl_field(x=left, y=line_y, height=22, text=line, max_chars=30))
        line_y += 28
    parts.append(_zpl_qr(payload=content.qr_payload, x=_ZPL_WIDTH - _ZPL_MARGIN - 270, y=bottom - 10, size=260))
    notice = "Dépôt sans étiquette : présentez le QR code."
    parts.append(_zpl_field(x=left, y=_ZPL_HEIGHT - 70, height=18, text=notice, max_chars=70))
    notice = "Label-free drop-off: show the QR code."
    parts.append(_zpl_field(x=left, y=_ZPL_HEIGHT - 46, height=18, text=notice, max_chars=70))
    parts.append("^XZ")
    return "\n".join(parts) + "\n"
