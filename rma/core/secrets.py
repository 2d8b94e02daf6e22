"""Secrets read from the environment by a prefix, for rows that may keep their secrets out of the database.

A row (a shop connection, a carrier account) names a prefix, e.g. RMA_SHOP_EU; the secret "api_key" is then read
from RMA_SHOP_EU_API_KEY when that variable is set and not empty, and wins over the value stored in the row.
"""

import os

_EMPTY: dict[str, str] = {}


def env_secret(*, prefix: str, name: str) -> str | None:
    """The secret `name` from ``<prefix>_<NAME>``, or None when there is no prefix or the variable is unset/empty."""
    if not prefix:
        return None
    return os.environ.get(f"{prefix}_{name.upper()}") or None


def env_secrets(*, prefix: str) -> dict[str, str]:
    """Every non-empty ``<prefix>_<NAME>`` variable, by its lowercased name: the secrets a prefix provides, for
    rows whose secret names are not fixed (a carrier's credentials depend on the carrier)."""
    if not prefix:
        return _EMPTY.copy()
    start = f"{prefix}_"
    return {key[len(start) :].lower(): value for key, value in os.environ.items() if key.startswith(start) and value}
