"""HTTP to a shop platform, with the answers sorted once for every connector: what to retry, when, and what not.

- A network error, a timeout, 408, 425, 5xx: transient (``PlatformError``, retry later).
- 429: the platform's ``Retry-After`` is honoured: waited out here when the caller allows waiting (the
  backfill), else handed back (``retry_after``) for the outbox to schedule the retry.
- Any other 4xx: permanent, with the platform's message.
"""

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from typing import Any

import requests

from rma.connectors.platforms.base import PlatformError

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 20.0)
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
RETRY_AFTER_DEFAULT = 2.0
RETRY_AFTER_MAX = 60.0


def retry_after_seconds(headers: Mapping[str, str]) -> float:
    """The seconds a ``Retry-After`` header asks for (a number; an HTTP date is read as the default wait)."""
    raw = headers.get("Retry-After", "")
    try:
        return min(max(float(raw), 0.0), RETRY_AFTER_MAX)
    except ValueError:
        return RETRY_AFTER_DEFAULT


class PlatformHttp:
    """A session to one platform. ``wait_budget``: seconds this client may sleep on 429s (0: never sleeps)."""

    def __init__(self, *, session: requests.Session | None = None, wait_budget: float = 0.0) -> None:
        self.session = session or requests.Session()
        self.wait_budget = wait_budget
        self.sleep = time.sleep

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send; return a 2xx answer or raise PlatformError (sleeping out 429s within the wait budget)."""
        kwargs.setdefault("timeout", TIMEOUT)
        while True:
            try:
                response = self.session.request(method, url, **kwargs)
            except requests.RequestException as exc:
                raise PlatformError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
            if response.status_code < 400:
                return response
            if response.status_code == 429:
                wait = retry_after_seconds(response.headers)
                if wait <= self.wait_budget:
                    self.wait_budget -= wait
                    logger.info("%s asked to slow down: waiting %.1f s", url, wait)
                    self.sleep(wait)
                    continue
                raise PlatformError(f"{method} {url}: 429 Too Many Requests", status=429, retry_after=wait)
            raise PlatformError(
                f"{method} {url}: {response.status_code} {response.text[:500]}",
                status=response.status_code,
                permanent=response.status_code not in TRANSIENT_STATUSES,
            )

    def pause(self, seconds: float) -> bool:
        """Wait `seconds` (a platform's throttle asked for it) if the budget allows; False when it does not."""
        if seconds > self.wait_budget:
            return False
        self.wait_budget -= seconds
        self.sleep(seconds)
        return True


def header(headers: Mapping[str, str], name: str) -> str:
    """A request header, whatever the case its name arrived in (Django's request.headers or a plain dict)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return str(value or "").strip()


def signature_matches(*, secret: str, body: bytes, received: str) -> bool:
    """Whether `received` is the base64 HMAC-SHA256 of the raw `body` with `secret` (Shopify's and WooCommerce's
    webhook signature), compared in constant time; never with an empty secret or signature."""
    if not secret or not received:
        return False
    expected = base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, received.encode("utf-8", errors="replace"))
