import io

import pytest
from PIL import Image

from tests.portal.world import build_world
from tests.shipping.labels import shop, shop_return  # noqa: F401 - fixtures


@pytest.fixture
def world(db):
    return build_world()


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 60)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def jpeg() -> bytes:
    return image_bytes("JPEG")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The lookup rate limit counts in the cache, which outlives a test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
