"""Sending one webhook: a signed JSON body with a stable delivery id; the answer decides retry or dead-letter.

The delivery id is sent twice: in the ``X-RMA-Delivery`` header, and as ``delivery_id`` inside the signed body
(DELIVERY_ID_FIELD), so that a receiver can trust the id it dedupes on: a captured request replayed with another
``X-RMA-Delivery`` still carries the signed, original one.

- 2xx: delivered.
- 408, 429, 5xx, timeouts and connection errors: worth another try (429/503 `Retry-After` is honoured).
- Any other 4xx, and 3xx (redirects are not followed: a signed POST must reach the URL that was configured):
  permanent, the message is dead-lettered at once and can be replayed from the admin once fixed.
"""

import json
import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from rma.notifications.exceptions import DeliveryFailed
from rma.notifications.signatures import DELIVERY_HEADER, SIGNATURE_HEADER, TOPIC_HEADER, webhook_signature_header

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 3.05
RETRYABLE_STATUSES = frozenset({408, 425, 429})
MAX_RESPONSE_BYTES = 1024
USER_AGENT = "rma-returns-portal-webhooks/1"
DELIVERY_ID_FIELD = "delivery_id"


def webhook_body(*, payload: dict[str, Any], delivery_id: str = "") -> bytes:
    """The exact bytes sent and signed: compact, sorted JSON in UTF-8, with the delivery id when one is given."""
    if delivery_id:
        payload = {**payload, DELIVERY_ID_FIELD: delivery_id}
    text = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def webhook_timeout() -> tuple[float, float]:
    """(connect, read) timeouts in seconds; RMA_WEBHOOK_TIMEOUT_SECONDS sets the read one."""
    read = float(settings.RMA_WEBHOOK_TIMEOUT_SECONDS)
    return min(CONNECT_TIMEOUT_SECONDS, read), read


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def _response_snippet(response: requests.Response) -> str:
    try:
        data = response.raw.read(MAX_RESPONSE_BYTES, decode_content=True) or b""
    except Exception:  # noqa: BLE001 - the body is only quoted in the error; the status decides
        return ""
    return data.decode("utf-8", "replace").strip()


def webhook_send(
    *, url: str, secret: str, topic: str, delivery_id: str, payload: dict[str, Any], attempt: int = 1
) -> int:
    """POST the payload to `url`; returns the 2xx status, or raises DeliveryFailed (permanent or not)."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryFailed(f"Not an http(s) URL: {url!r}.", permanent=True)
    if not secret:
        raise DeliveryFailed(
            "No webhook signing secret is set for this destination: set it, then replay the message.", permanent=True
        )
    body = webhook_body(payload=payload, delivery_id=delivery_id)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Connection": "close",  # one request per connection: nothing is left open between deliveries
        DELIVERY_HEADER: delivery_id,
        TOPIC_HEADER: topic,
        SIGNATURE_HEADER: webhook_signature_header(secret=secret, body=body),
        "X-RMA-Attempt": str(attempt),
    }
    answer = _post(url=url, body=body, headers=headers)
    if answer.error:
        raise DeliveryFailed(answer.error, permanent=answer.permanent)
    status = answer.status
    if 200 <= status < 300:
        return status
    error = f"HTTP {status} from {url}" + (f": {answer.snippet}" if answer.snippet else "")
    if status in RETRYABLE_STATUSES or status >= 500:
        raise DeliveryFailed(error, retry_after=answer.retry_after)
    if 300 <= status < 400:
        raise DeliveryFailed(f"{error} (redirects to {answer.location!r}; set the final URL)", permanent=True)
    raise DeliveryFailed(error, permanent=True)


@dataclass(frozen=True)
class _Answer:
    status: int = 0
    snippet: str = ""
    retry_after: float | None = None
    location: str = ""
    error: str = ""
    permanent: bool = False


def _post(*, url: str, body: bytes, headers: dict[str, str]) -> _Answer:
    """One POST on its own session; returns plain values, so that no exception traceback kept by the caller
    holds the response or the session (and with them an open socket) alive."""
    with requests.Session() as session:
        try:
            response = session.post(
                url, data=body, headers=headers, timeout=webhook_timeout(), allow_redirects=False, stream=True
            )
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ) as exc:
            return _Answer(error=f"Bad webhook URL {url!r}: {exc}", permanent=True)
        except requests.RequestException as exc:
            return _Answer(error=f"{type(exc).__name__} posting to {url}: {exc}")
        with response:
            status = response.status_code
            if 200 <= status < 300:
                return _Answer(status=status)
            return _Answer(
                status=status,
                snippet=_response_snippet(response),
                retry_after=_retry_after(response),
                location=response.headers.get("Location", ""),
            )
