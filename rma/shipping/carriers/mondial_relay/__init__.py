"""Mondial Relay: return labels, tracking and the Point Relais® search over its V1 SOAP web services (carrier.py)."""

from rma.shipping.carriers.mondial_relay.carrier import CODE, MondialRelayCarrier

__all__ = ["CODE", "MondialRelayCarrier"]
