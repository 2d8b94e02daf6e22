"""The customer's signed, expiring portal session: one order, found by number + email (or postcode).

The session (server-side, cookie-bound) holds a token signed with the secret key that names the order and
the time it was opened; every portal page checks it, so a session opens one order only and ends after
``RMA_PORTAL_SESSION_MAX_AGE`` seconds. The wizard's answers and the photos uploaded before the return exists
(staged in the default storage) live beside the token.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils import timezone

from rma.core.images import CheckedImage
from rma.orders.models import Order

SESSION_KEY = "rma_portal"
# The returns this browser made, newest last: their confirmation pages keep answering after the customer looks up
# another order (a new portal session for that order). Kept in this browser's session only, and capped.
RETURNS_KEY = "rma_portal_returns"
RETURNS_KEPT = 20
# The wizard's answers as kept in the session: JSON, shaped by each step.
PortalState = dict[str, Any]
SALT = "rma.returns.portal_session"
STAGING_DIR = "portal-staging"
# Staged photos older than this belong to journeys nobody will confirm (a portal session lasts an hour).
STAGED_PHOTO_MAX_AGE = timedelta(days=1)


class PortalSessionInvalid(Exception):
    """No session, an expired one, or one that was tampered with."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "missing" | "expired" | "tampered"


def max_age() -> int:
    return int(settings.RMA_PORTAL_SESSION_MAX_AGE)


def token_for(*, order: Order, nonce: str) -> str:
    return signing.dumps({"o": order.pk, "n": nonce}, salt=SALT)


def portal_session_open(*, request: HttpRequest, order: Order) -> None:
    """Start a session for this order only (a new session key, so an old cookie cannot ride along)."""
    _discard_staged(request.session.get(SESSION_KEY) or {})
    request.session.cycle_key()
    nonce = secrets.token_urlsafe(12)
    request.session[SESSION_KEY] = {"token": token_for(order=order, nonce=nonce), "nonce": nonce}
    request.session.set_expiry(max_age())


def portal_session_close(*, request: HttpRequest) -> None:
    _discard_staged(request.session.get(SESSION_KEY) or {})
    request.session.pop(SESSION_KEY, None)


def portal_order_get(*, request: HttpRequest) -> Order:
    """The session's order, or PortalSessionInvalid."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not state.get("token"):
        raise PortalSessionInvalid("missing")
    try:
        payload = signing.loads(state["token"], salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise PortalSessionInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise PortalSessionInvalid("tampered") from exc
    if (
        not isinstance(payload, dict)
        or payload.get("n") != state.get("nonce")
        or not isinstance(payload.get("o"), int)
    ):
        raise PortalSessionInvalid("tampered")
    order = Order.objects.filter(pk=payload["o"]).first()
    if order is None:
        raise PortalSessionInvalid("missing")
    return order


def portal_state(*, request: HttpRequest) -> PortalState:
    """The wizard's answers (mutable; call ``portal_state_save`` after changing them)."""
    return request.session[SESSION_KEY]


def portal_state_save(*, request: HttpRequest) -> None:
    request.session.modified = True


def portal_wizard_reset(*, request: HttpRequest, keep_photos: bool = False) -> None:
    """Forget the answers (after a return is created, or when the customer starts again)."""
    state = portal_state(request=request)
    if not keep_photos:
        _discard_staged(state)
    for key in ("lines", "details", "resolution", "exchange", "drop_off"):
        state.pop(key, None)
    portal_state_save(request=request)


def portal_return_remember(*, request: HttpRequest, public_id: str) -> None:
    known = [value for value in request.session.get(RETURNS_KEY) or [] if value != public_id]
    request.session[RETURNS_KEY] = [*known, public_id][-RETURNS_KEPT:]


def portal_return_known(*, request: HttpRequest, public_id: str) -> bool:
    known = request.session.get(RETURNS_KEY)
    return isinstance(known, list) and public_id in known


# ---- photos uploaded before the return exists


class StagedPhoto(TypedDict):
    """A checked upload kept in storage until the return is confirmed."""

    id: str
    name: str
    content_type: str
    filename: str


def photo_stage(*, request: HttpRequest, line_pk: int, image: CheckedImage, filename: str) -> StagedPhoto:
    """Keep a checked (re-encoded) picture until the return is confirmed; returns its staged description."""
    photo_id = secrets.token_urlsafe(9)
    name = default_storage.save(f"{STAGING_DIR}/{secrets.token_hex(12)}.{image.extension}", ContentFile(image.content))
    staged: StagedPhoto = {
        "id": photo_id,
        "name": name,
        "content_type": image.content_type,
        "filename": filename[-80:],
    }
    state = portal_state(request=request)
    state.setdefault("details", {}).setdefault(str(line_pk), {}).setdefault("photos", []).append(staged)
    portal_state_save(request=request)
    return staged


def photo_staged_find(*, request: HttpRequest, photo_id: str) -> StagedPhoto | None:
    state = request.session.get(SESSION_KEY) or {}
    for detail in (state.get("details") or {}).values():
        for photo in detail.get("photos", []):
            if photo["id"] == photo_id:
                return photo
    return None


def photo_unstage(*, request: HttpRequest, photo_id: str) -> bool:
    state = portal_state(request=request)
    for detail in (state.get("details") or {}).values():
        for photo in list(detail.get("photos", [])):
            if photo["id"] == photo_id:
                detail["photos"].remove(photo)
                default_storage.delete(photo["name"])
                portal_state_save(request=request)
                return True
    return False


def _discard_staged(state: PortalState) -> None:
    for detail in (state.get("details") or {}).values():
        for photo in detail.get("photos", []):
            if photo.get("name", "").startswith(f"{STAGING_DIR}/"):
                default_storage.delete(photo["name"])


def staged_photos_purge(*, older_than: timedelta = STAGED_PHOTO_MAX_AGE, now: datetime | None = None) -> int:
    """Delete the staged photos of journeys abandoned long ago (the session is gone, nobody will confirm them).

    Works on any storage (the local folder, a bucket): list, then look at each file's time. Only abandoned files are
    left there, so the list stays short.
    """
    limit = (now or timezone.now()) - older_than
    try:
        _folders, names = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:  # nothing was ever staged on this disk
        return 0
    purged = 0
    for filename in names:
        name = f"{STAGING_DIR}/{filename}"
        try:
            stale = default_storage.get_modified_time(name) < limit
        except FileNotFoundError:  # confirmed or removed meanwhile
            continue
        if stale:
            default_storage.delete(name)
            purged += 1
    return purged
