"""What the pages and the API share about HTTP itself."""

from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse

T = TypeVar("T")


def found_or_404(value: T | None) -> T:
    """`value`, or a 404 when a selector found nothing (selectors say "not found" with None, interfaces with 404)."""
    if value is None:
        raise Http404
    return value


def url_prefix(viewname: str, *, sample: object) -> str:
    """The start of a view's URL, up to its one argument: a long list links each row to `prefix + value + "/"`
    instead of running reverse() per row. `sample` is any value the URL's converter accepts."""
    url = reverse(viewname, args=[sample])
    suffix = f"{sample}/"
    if not url.endswith(suffix):
        raise ImproperlyConfigured(f"{viewname} does not end with its argument and a slash: {url}")
    return url.removesuffix(suffix)


MAX_PAGE = 10_000


def page_number(raw: str | None) -> int:
    """A page's ?page=N, 1 when absent; anything but a page number (0, -1, "two", past MAX_PAGE) is no page: 404."""
    if raw is None:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("No such page.")
    return int(raw)
