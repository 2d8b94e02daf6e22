"""Real picture files made on the spot for the upload tests: good ones, a bomb, a forgery, one that tells where."""

import io
from functools import cache

import pillow_heif
from PIL import Image

from rma.core.images import CheckedImage, image_check

# EXIF tags
GPS_IFD, MAKE, ORIENTATION = 0x8825, 0x010F, 0x0112


def picture(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), colour: str = "#c8503c") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A phone photo: camera make, a rotation to apply, and where it was taken (Paris)."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = 6  # shot sideways: the pixels are to be turned a quarter
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    buffer = io.BytesIO()
    Image.new("RGB", size, "#3e6fb0").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@cache
def png_144_megapixels() -> bytes:
    """12,000 × 12,000 pixels in about 18 kB: one bit a pixel, all alike, compressed."""
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, format="PNG")
    return buffer.getvalue()


def heic_header_then_html() -> bytes:
    """The first bytes of a HEIC file ("ftyp" box, brand heic), then a web page."""
    html = b"<html><script>alert(document.cookie)</script></html>"
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + html


def real_heic(size: tuple[int, int] = (64, 48)) -> bytes:
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, "#6b8e23").save(buffer, format="HEIF")
    return buffer.getvalue()


def checked(content: bytes | None = None, name: str = "photo.jpg") -> CheckedImage:
    """A picture as the upload check leaves it, for services that take checked pictures."""
    return image_check(io.BytesIO(content or picture()), name=name)
