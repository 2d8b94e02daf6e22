"""InPost parcel lockers through the ShipX API: see client.py for the documentation followed and the settings."""

from rma.shipping.carriers.inpost.client import InPostCarrier

__all__ = ["InPostCarrier"]
