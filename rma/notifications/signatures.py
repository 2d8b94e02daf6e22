"""HMAC signatures of outgoing webhooks, and the check a receiver runs on them.

Header: ``X-RMA-Signature: t=<unix timestamp>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>``.
Signing the timestamp with the body lets a receiver refuse a captured request replayed later; several ``v1``
entries may appear (one per secret while a secret is being rotated) and any one that matches is enough.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-RMA-Signature"
DELIVERY_HEADER = "X-RMA-Delivery"
TOPIC_HEADER = "X-RMA-Topic"
SIGNATURE_SCHEME = "v1"


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def webhook_signature_compute(*, secret: str, timestamp: int, body: bytes | str) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>"."""
    signed = str(timestamp).encode("ascii") + b"." + _as_bytes(body)
    return hmac.new(_as_bytes(secret), signed, hashlib.sha256).hexdigest()


def webhook_signature_header(*, secret: str, body: bytes | str, timestamp: int | None = None) -> str:
    """The X-RMA-Signature value for a body sent now (or at `timestamp`)."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},{SIGNATURE_SCHEME}={webhook_signature_compute(secret=secret, timestamp=t, body=body)}"


def webhook_signature_verify(
    *, secret: str, header: str, body: bytes | str, tolerance_seconds: int = 300, now: float | None = None
) -> bool:
    """Whether `header` signs `body` with `secret`, at most `tolerance_seconds` away from now.

    Compares in constant time; a missing or malformed header, an empty secret or a stale timestamp is False.
    """
    if not secret or not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            return False
        if key == "t":
            if timestamp is not None or not value.isdigit():
                return False
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = webhook_signature_compute(secret=secret, timestamp=timestamp, body=body)
    # Check every candidate, so that the time taken does not tell which one matched.
    matches = [hmac.compare_digest(expected.encode("ascii"), c.encode("ascii", "replace")) for c in candidates]
    return any(matches)
