"""Telling a real picture from a file that only claims to be one."""

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

# Pillow's format name -> (content type, file extension), for the pictures we accept.
PICTURE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def image_format_read(upload: UploadedFile) -> str | None:
    """Pillow's name for the format of a picture it can fully read ("JPEG", "GIF"…), or None if it cannot."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None
    finally:
        upload.seek(0)
    return image_format
