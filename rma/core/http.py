"""What the pages and the API share about HTTP itself."""

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def found_or_404(value: T | None) -> T:
    """`value`, or a 404 when a selector found nothing (selectors say "not found" with None, interfaces with 404)."""
    if value is None:
        raise Http404
    return value
