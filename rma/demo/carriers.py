"""Demo carrier accounts: one disabled example per real carrier installed, so that the admin shows what an account
holds; the built-in carrier stays the one that makes the demo's labels (no account enabled = built-in)."""

from typing import Any

from rma.shipping.accounts import CarrierAccount
from rma.shipping.carriers import carrier_codes

# Name, carrier code, the environment prefix of its credentials, and the drop-off methods it would serve.
EXAMPLES: tuple[dict[str, Any], ...] = (
    {
        "name": "Colissimo (example)",
        "carrier": "colissimo",
        "secrets_env_prefix": "RMA_COLISSIMO",
        "drop_off_methods": ["post_office", "relay_point", "locker"],
    },
    {
        "name": "Mondial Relay (example)",
        "carrier": "mondial_relay",
        "secrets_env_prefix": "RMA_MONDIAL_RELAY",
        "drop_off_methods": ["relay_point", "locker"],
    },
    {
        "name": "InPost (example)",
        "carrier": "inpost",
        "secrets_env_prefix": "RMA_INPOST",
        "drop_off_methods": ["locker"],
    },
)


def demo_carrier_accounts_seed() -> int:
    """Create the example accounts of the installed carriers, disabled and without credentials; a second run
    changes nothing (an account edited in the admin is left as it is). Returns how many were created."""
    installed = set(carrier_codes())
    created = 0
    for example in EXAMPLES:
        if example["carrier"] not in installed:
            continue
        _account, made = CarrierAccount.objects.get_or_create(
            name=example["name"],
            defaults={**example, "enabled": False, "countries": ["FR"], "priority": 100},
        )
        created += made
    return created
