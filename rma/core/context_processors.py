"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def branding(request: HttpRequest) -> dict[str, str]:
    """The retailer's name, colour and logo, from settings."""
    return {
        "brand_name": settings.RMA_BRAND_NAME,
        "brand_primary_color": settings.RMA_BRAND_PRIMARY_COLOR,
        "brand_logo": settings.RMA_BRAND_LOGO,
    }
