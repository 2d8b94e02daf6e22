"""Label rendering: real PDFs rasterised at 300 dpi must scan; ZPL must be well-formed and escaped."""

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from rma.shipping.carriers import Address
from rma.shipping.carriers.builtin import tracking_number_for
from rma.shipping.rendering import LabelContent, render_label_pdf, render_label_zpl

CONTENT = LabelContent(
    sender=Address(
        name="Hélène Lefèvre",
        line1="12 rue de l'Église",
        line2="Bâtiment B, 3e étage",
        postcode="75011",
        city="Paris",
        country="France",
        phone="+33 6 12 34 56 78",
    ),
    recipient=Address(
        name="Entrepôt Retours Łódź",
        line1="ZAC des Garçons, 45 avenue François Mitterrand",
        line2="",
        postcode="69007",
        city="Lyon",
        country="France",
    ),
    rma_number="RMA-2026-000123",
    tracking_number=tracking_number_for("3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b"),
    qr_payload="https://returns.example.com/r/3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
    carrier_name="Retours Portail",
    reference_lines=("Commande #100234", "Motif : taille trop grande"),
)

PAGE_SIZES_PT = {"A6": (297.638, 419.528), "4x6": (288.0, 432.0)}


def _require(*tools: str) -> None:
    """Skip when a command-line tool is missing, but fail on CI where it must be installed."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (Debian packages poppler-utils and zbar-tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must install them")
        pytest.skip(reason)


def _run(*args: str | Path) -> str:
    return subprocess.run([str(arg) for arg in args], capture_output=True, check=True, text=True, timeout=60).stdout


def _write_pdf(tmp_path: Path, content: LabelContent, size: str) -> Path:
    path = tmp_path / f"label-{size}.pdf"
    path.write_bytes(render_label_pdf(content=content, size=size))
    return path


def _scan(pdf: Path) -> dict[str, list[str]]:
    """Rasterise the PDF at 300 dpi and return the decoded Code 128 and QR values, by symbology."""
    _run("pdftoppm", "-r", "300", "-gray", "-png", pdf, pdf.with_suffix(""))
    (image,) = pdf.parent.glob(f"{pdf.stem}-*.png")
    zbar_args = ["--set", "*.enable=0", "--set", "code128.enable=1", "--set", "qrcode.enable=1"]
    result = subprocess.run(["zbarimg", "-q", *zbar_args, str(image)], capture_output=True, text=True, timeout=60)
    decoded: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        symbology, _, value = line.partition(":")
        decoded.setdefault(symbology, []).append(value)
    return decoded


# ---- PDF


@pytest.mark.parametrize("size", ["A6", "4x6"])
def test_pdf_has_one_page_of_the_requested_size(tmp_path, size):
    _require("pdfinfo")
    pdf = _write_pdf(tmp_path, CONTENT, size)
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = _run("pdfinfo", pdf)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.MULTILINE).groups())
    assert (width, height) == pytest.approx(PAGE_SIZES_PT[size], abs=0.01)


@pytest.mark.parametrize("size", ["A6", "4x6"])
def test_pdf_barcode_and_qr_code_scan_back(tmp_path, size):
    _require("pdftoppm", "zbarimg")
    decoded = _scan(_write_pdf(tmp_path, CONTENT, size))
    assert decoded == {"CODE-128": [CONTENT.tracking_number], "QR-Code": [CONTENT.qr_payload]}


def test_pdf_scans_with_a_long_foreign_tracking_number_and_qr_payload(tmp_path):
    _require("pdftoppm", "zbarimg")
    content = replace(
        CONTENT,
        tracking_number="JJD0002249871234567890",  # another carrier's 22-character number: narrower bars
        qr_payload="https://returns.example.com/drop-off/" + "9c0d1e2f3a4b" * 12,
    )
    decoded = _scan(_write_pdf(tmp_path, content, "A6"))
    assert decoded == {"CODE-128": [content.tracking_number], "QR-Code": [content.qr_payload]}


def test_pdf_text_keeps_french_accents(tmp_path):
    _require("pdftotext")
    text = _run("pdftotext", "-enc", "UTF-8", _write_pdf(tmp_path, CONTENT, "A6"), "-")
    for expected in ["Hélène Lefèvre", "12 rue de l'Église", "Bâtiment B, 3e étage", "Garçons", "RMA-2026-000123"]:
        assert expected in text
    assert "Lódz" in text  # Ł and ź are not in the standard fonts' encoding: written L and z, not black boxes
    assert CONTENT.tracking_number in text


def test_pdf_survives_hostile_and_overlong_text(tmp_path):
    _require("pdftoppm", "zbarimg")
    hostile = Address(
        name="(Dupont) \\ ^XZ ~JA 東京 " + "Très-long-nom " * 20,
        line1="ligne\navec\r\nretours\tà la ligne",
        line2="",
        postcode="",
        city="",
        country="",
    )
    content = replace(CONTENT, sender=hostile, recipient=hostile, rma_number="RMA-" + "9" * 40)
    decoded = _scan(_write_pdf(tmp_path, content, "4x6"))
    assert decoded == {"CODE-128": [content.tracking_number], "QR-Code": [content.qr_payload]}


def test_pdf_refuses_unknown_sizes_and_unprintable_tracking_numbers():
    with pytest.raises(ValueError, match="unknown label size"):
        render_label_pdf(content=CONTENT, size="A4")
    for tracking_number in ["", "RP12345678é", "RP1\n2"]:
        with pytest.raises(ValueError, match="tracking number"):
            render_label_pdf(content=replace(CONTENT, tracking_number=tracking_number))


# ---- ZPL

ZPL_COMMANDS = {"XA", "XZ", "CI", "PW", "LL", "LH", "FO", "GB", "A0", "FR", "FH", "FD", "FS", "FB", "BY", "BC", "BQ"}


def _unescape_fh(data: str) -> str:
    """Decode ^FH_ field data the way the printer does: _XX is the byte 0xXX."""
    raw = re.sub(rb"_([0-9A-Fa-f]{2})", lambda match: bytes([int(match.group(1), 16)]), data.encode())
    return raw.decode()


def _field_data(zpl: str) -> list[str]:
    return [_unescape_fh(data) for data in re.findall(r"\^FD(.*?)\^FS", zpl)]


def test_zpl_is_a_4x6_203_dpi_utf8_label():
    zpl = render_label_zpl(content=CONTENT)
    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    for command in ["^PW812", "^LL1218", "^CI28"]:
        assert command in zpl
    assert re.search(rf"\^BC[^\^]*(\^FH_)?\^FD{CONTENT.tracking_number}\^FS", zpl)
    (qr,) = re.findall(r"\^BQ[^\^]*\^FH_\^FD(.*?)\^FS", zpl)
    assert _unescape_fh(qr) == f"MA,{CONTENT.qr_payload}"  # error correction M, automatic input mode


def test_zpl_text_keeps_accents_as_utf8():
    fields = _field_data(render_label_zpl(content=CONTENT))
    for expected in [
        "Hélène Lefèvre",
        "12 rue de l'Église",
        "Bâtiment B, 3e étage",
        "Entrepôt Retours Łódź",
        "RMA-2026-000123",
    ]:
        assert expected in fields


def test_zpl_escapes_caret_tilde_and_underscore_in_user_text():
    name = "Jean^XZ~JA Dupont_Durand"
    content = replace(CONTENT, sender=replace(CONTENT.sender, name=name), rma_number="RMA^FS~1")
    zpl = render_label_zpl(content=content)
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert set(re.findall(r"\^([A-Z][A-Z0-9])", zpl)) <= ZPL_COMMANDS
    fields = _field_data(zpl)
    assert name in fields
    assert "RMA^FS~1" in fields


def test_zpl_fields_stay_on_one_line():
    hostile = replace(CONTENT.recipient, name="Marie\nCurie", line1="1 rue\r\nde la Paix")
    zpl = render_label_zpl(content=replace(CONTENT, recipient=hostile))
    assert all(line.startswith("^") for line in zpl.splitlines())
    assert "Marie Curie" in _field_data(zpl)


def test_zpl_barcode_escapes_the_code128_invocation_character():
    zpl = render_label_zpl(content=replace(CONTENT, tracking_number="AB>12"))
    assert re.search(r"\^BC[^\^]*\^FH_\^FDAB><12\^FS", zpl)
