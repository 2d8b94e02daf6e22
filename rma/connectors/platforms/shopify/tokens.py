"""The Admin API access token of a connection: the one pasted in (an app created in the Shopify admin before 2026),
or one asked for with the client credentials grant (an app of the Dev Dashboard: its client ID in the options,
its client secret as the API secret, or else the webhook secret, which is the same secret when the app's own
webhook subscriptions sign the deliveries). Granted tokens live about 24 hours; each process keeps one per
connection until five minutes before it expires, or until Shopify refuses it.

https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
(``POST {shop}/admin/oauth/access_token``, grant_type=client_credentials, client_id, client_secret; answer
``access_token``, ``scope``, ``expires_in``).
"""

import threading
import time
from typing import TYPE_CHECKING

from rma.connectors.platforms.base import PlatformError
from rma.connectors.platforms.http import PlatformHttp

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection

EARLY = 300.0  # seconds before its expiry a granted token is asked for again
_lock = threading.Lock()
_granted: dict[tuple[str, str], tuple[str, float]] = {}  # (shop URL, client id) -> (token, refresh at: monotonic)


def access_token(connection: "ShopConnection", http: PlatformHttp) -> str:
    """The token to send as X-Shopify-Access-Token."""
    pasted = connection.credential("api_key")
    client_id = str(connection.options.get("client_id") or "")
    if pasted or not client_id:
        return pasted
    key = (connection.base_url, client_id)
    with _lock:
        cached = _granted.get(key)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    response = http.request(
        "POST",
        f"{connection.base_url}/admin/oauth/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": connection.credential("api_secret") or connection.credential("webhook_secret"),
        },
        headers={"Accept": "application/json"},
    )
    try:
        body = response.json()
        token, lifetime = str(body["access_token"]), float(body.get("expires_in") or 86399)
    except (ValueError, KeyError, TypeError) as exc:
        raise PlatformError("Shopify granted no access token.", permanent=True) from exc
    with _lock:
        _granted[key] = (token, time.monotonic() + max(lifetime - EARLY, 0.0))
    return token


def access_token_forget(connection: "ShopConnection") -> bool:
    """Drop the granted token (Shopify refused it); True when there was one to ask for again."""
    client_id = str(connection.options.get("client_id") or "")
    if connection.credential("api_key") or not client_id:
        return False
    with _lock:
        return _granted.pop((connection.base_url, client_id), None) is not None
