"""The one check every uploaded picture goes through (rma.core.images), with real files."""

import io

import pytest
from PIL import Image

from rma.core.exceptions import DomainError
from rma.core.images import image_check
from tests.core.pictures import (
    GPS_IFD,
    MAKE,
    heic_header_then_html,
    jpeg_with_gps,
    picture,
    png_144_megapixels,
    real_heic,
)


def check(content: bytes, name: str = "photo"):
    return image_check(io.BytesIO(content), name=name)


def refusal(content: bytes, name: str = "photo") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check(content, name)
    return caught.value


def test_a_144_megapixel_png_is_refused_before_it_is_decoded():
    error = refusal(png_144_megapixels(), "scan.png")
    assert error.code == "too_many_pixels"
    assert "scan.png" in error.message
    assert "40" in error.message


def test_the_pixel_cap_is_a_setting(settings):
    settings.RMA_UPLOAD_MAX_PIXELS = 1000
    assert refusal(picture(size=(40, 30))).code == "too_many_pixels"  # 1,200 pixels
    assert check(picture(size=(40, 25))).width == 40  # 1,000 pixels


def test_pillow_refuses_decompression_bombs_above_the_cap(settings):
    # Set from RMA_UPLOAD_MAX_PIXELS (at start-up and by each check): any other use of Pillow is guarded too.
    check(picture())
    assert Image.MAX_IMAGE_PIXELS == settings.RMA_UPLOAD_MAX_PIXELS == 40_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png_144_megapixels()))


def test_a_heic_signature_followed_by_html_is_refused():
    error = refusal(heic_header_then_html(), "holiday.heic")
    assert error.code == "not_an_image"
    assert "holiday.heic" in error.message


def test_a_real_heic_photo_is_decoded_and_kept_as_jpeg():
    image = check(real_heic(size=(64, 48)), "IMG_0001.HEIC")
    assert (image.content_type, image.extension) == ("image/jpeg", "jpg")
    with Image.open(io.BytesIO(image.content)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)


def test_gps_and_camera_metadata_are_stripped_and_the_rotation_applied():
    original = jpeg_with_gps(size=(64, 48))
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the file really says where it was taken
    image = check(original, "IMG_0002.jpg")
    with Image.open(io.BytesIO(image.content)) as stored:
        exif = stored.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert MAKE not in exif
        assert "exif" not in stored.info
        assert stored.size == (48, 64)  # turned upright, so no orientation tag is needed
    assert b"PhoneMaker" not in image.content


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_jpeg_png_and_webp_are_re_encoded_in_their_format(fmt, content_type):
    image = check(picture(fmt))
    assert image.content_type == content_type
    with Image.open(io.BytesIO(image.content)) as stored:
        assert stored.format == fmt
        stored.load()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 an invoice", "not_an_image"),
        (picture("PNG")[:60], "not_an_image"),  # a truncated file: its header alone is not enough
        (picture("JPEG")[:-200], "not_an_image"),
        (picture("GIF"), "bad_type"),
        (picture("BMP"), "bad_type"),
    ],
)
def test_anything_else_is_refused_with_a_stable_code(content, code):
    assert refusal(content).code == code


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.RMA_PHOTO_MAX_BYTES = 1000
    assert refusal(picture("PNG", size=(400, 400), colour="#123456") + b"\0" * 1000).code == "too_large"
