"""The Admin API access token of a connection: the one pasted in (an app created in the Shopify admin before 2026),
or one asked for with the client credentials grant (an app of the Dev Dashboard: its client ID in the options,
its client secret as the API secret, or else the webhook secret, which is the same secret when the app's own
webhook subscriptions sign the deliveries). Granted tokens live about 24 hours; one per connection is kept in
Django's cache (Redis when REDIS_URL is set: every process and machine uses the same token) until five minutes
before it expires, or until Shopify refuses it. No copy is kept in a process's memory: a token refused and asked
for again by one process would stay refused in the others'. A cache that is down (rma.core.shared_cache) costs a
warning and a token asked for at each call, never a failed sync.

https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
(``POST {shop}/admin/oauth/access_token``, grant_type=client_credentials, client_id, client_secret; answer
``access_token``, ``scope``, ``expires_in``).
"""

import hashlib
from typing import TYPE_CHECKING

from rma.connectors.platforms.base import PlatformError
from rma.connectors.platforms.http import PlatformHttp
from rma.core.shared_cache import shared_cache_delete, shared_cache_get, shared_cache_set

if TYPE_CHECKING:
    from rma.connectors.models import ShopConnection

EARLY = 300  # seconds before its expiry a granted token is asked for again
WHAT = "the Shopify access token"


def _key(shop_url: str, client_id: str) -> str:
    digest = hashlib.sha256(f"{shop_url}\x1f{client_id}".encode()).hexdigest()
    return f"rma:shopify:granted-token:{digest}"


def _granted_client(connection: "ShopConnection") -> str:
    """The client id a token is granted to; empty when the connection has a pasted token (or no client id)."""
    client_id = str(connection.options.get("client_id") or "")
    return "" if connection.credential("api_key") else client_id


def access_token(connection: "ShopConnection", http: PlatformHttp) -> str:
    """The token to send as X-Shopify-Access-Token."""
    client_id = _granted_client(connection)
    if not client_id:
        return connection.credential("api_key")
    key = _key(connection.base_url, client_id)
    cached = shared_cache_get(key, what=WHAT)
    if isinstance(cached, str) and cached:
        return cached
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
        token, lifetime = str(body["access_token"]), int(float(body.get("expires_in") or 86399))
    except (ValueError, KeyError, TypeError) as exc:
        raise PlatformError("Shopify granted no access token.", permanent=True) from exc
    if lifetime > EARLY:
        shared_cache_set(key, token, timeout=lifetime - EARLY, what=WHAT)
    return token


def access_token_forget(connection: "ShopConnection", token: str) -> bool:
    """Drop `token`, a granted token Shopify refused; True when the connection's tokens are granted (ask again).

    Only that token is dropped: another process may already have been granted a new one, which stays."""
    client_id = _granted_client(connection)
    if not client_id:
        return False
    key = _key(connection.base_url, client_id)
    if shared_cache_get(key, what=WHAT) == token:
        shared_cache_delete(key, what=WHAT)
    return True
