"""For the label download tests (shipping's staff and API, the portal's customer link): a return with a ready
label, and what a downloaded label file holds.
"""

import base64
import re
import zlib

import pytest

from rma.shipping.choices import LabelStatus
from tests.locations.factories import StoreFactory


@pytest.fixture
def shop(warehouse):
    return StoreFactory(code="ST-LYON", default_warehouse=warehouse)


@pytest.fixture
def shop_return(make_return, shop, django_capture_on_commit_callbacks):
    """A ready label on a return handled by `shop`, going to `warehouse`."""
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return(store=shop)
    return_request.refresh_from_db()
    assert return_request.label.status == LabelStatus.READY
    return return_request


def label_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def pdf_page_size(pdf: bytes) -> tuple[int, int]:
    width, height = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf).groups()
    return round(float(width)), round(float(height))


def pdf_page_text(pdf: bytes) -> str:
    """The strings drawn on the page: reportlab writes `(text) Tj` in Flate encoded streams (binary, or with an
    ASCII85 layer on top as it did by default)."""
    streams = re.findall(
        rb"/Filter \[ (/ASCII85Decode )?/FlateDecode \].*?stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL
    )
    drawn = " ".join(
        zlib.decompress(base64.a85decode(stream.strip(), adobe=True) if a85 else stream).decode("latin-1")
        for a85, stream in streams
    )
    return " ".join(re.findall(r"\((.*?)\) Tj", drawn))
