"""The one check every uploaded picture goes through: decoded for real, capped, and re-encoded without metadata.

A file is accepted only if Pillow (with pillow-heif for HEIC/HEIF) decodes every pixel of it, its pixel count is
within `RMA_UPLOAD_MAX_PIXELS` and its size within `RMA_PHOTO_MAX_BYTES`. What is kept is a fresh encoding of the
pixels: EXIF (GPS position, camera, dates), XMP and comments are gone; the orientation is applied to the pixels.
HEIC/HEIF pictures become JPEG so that every browser can show them to staff.
"""

import io
import warnings
from dataclasses import dataclass
from typing import IO

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from rma.core.exceptions import DomainError

# Pillow's format name -> (content type, file extension) of what we store, for the pictures we accept.
PICTURE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "HEIF": ("image/jpeg", "jpg"),
}
# Content types we serve stored pictures with (also those stored before every picture was re-encoded).
SERVED_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
# What a file picker may offer (the check decides).
PICTURE_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif"
_DECODE_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, TypeError, MemoryError)


@dataclass(frozen=True)
class CheckedImage:
    """A picture that passed `image_check`: its re-encoded bytes (no metadata) and how to store them."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def upload_max_pixels() -> int:
    return int(settings.RMA_UPLOAD_MAX_PIXELS)


def upload_max_bytes() -> int:
    return int(settings.RMA_PHOTO_MAX_BYTES)


def decoders_configure() -> None:
    """Let Pillow open HEIC/HEIF and refuse decompression bombs above the pixel cap (called at start-up)."""
    pillow_heif.register_heif_opener()
    # Pillow warns above this count and refuses above twice it; image_check refuses anything above it.
    Image.MAX_IMAGE_PIXELS = upload_max_pixels()


def _refused(name: str) -> DomainError:
    return DomainError(
        _("“%(name)s” is not a picture we can read. Send a JPEG, PNG, WebP or HEIC photo.") % {"name": name},
        code="not_an_image",
    )


def _too_many_pixels(name: str) -> DomainError:
    return DomainError(
        _("“%(name)s” has too many pixels: photos can be up to %(count)d megapixels.")
        % {"name": name, "count": upload_max_pixels() // 1_000_000},
        code="too_many_pixels",
    )


def image_check(upload: IO[bytes], *, name: str = "", size: int | None = None) -> CheckedImage:
    """Decode the whole picture, check its format, size and pixel count, and re-encode it without metadata.

    Raises DomainError (`empty`, `too_large`, `too_many_pixels`, `not_an_image`, `bad_type`) with a message that
    names the file.
    """
    decoders_configure()
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > upload_max_bytes():
        raise DomainError(
            _("“%(name)s” is too large: photos can be up to %(size)d MB.")
            % {"name": name, "size": upload_max_bytes() // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format or ""
                if image_format not in PICTURE_FORMATS:
                    raise DomainError(
                        _("“%(name)s” is not a JPEG, PNG, WebP or HEIC photo.") % {"name": name}, code="bad_type"
                    )
                width, height = image.size
                # Checked on the header, before a single pixel is decoded.
                if width * height > upload_max_pixels():
                    raise _too_many_pixels(name)
                image.load()  # every pixel: a truncated or forged file fails here
                content, content_type, extension = _reencode(image, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except _DECODE_ERRORS:
        raise _refused(name) from None
    finally:
        upload.seek(0)
    return CheckedImage(content=content, content_type=content_type, extension=extension, width=width, height=height)


def _reencode(image: Image.Image, image_format: str) -> tuple[bytes, str, str]:
    """The pixels alone, upright, in the format we store (metadata left behind, colour profile kept)."""
    content_type, extension = PICTURE_FORMATS[image_format]
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    upright.info = {}
    out = io.BytesIO()
    options: dict[str, object] = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if content_type == "image/jpeg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=90, optimize=True, **options)
    elif content_type == "image/png":
        upright.save(out, format="PNG", optimize=False, **options)
    else:
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
        upright.save(out, format="WEBP", quality=90, **options)
    return out.getvalue(), content_type, extension
