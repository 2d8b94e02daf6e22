"""Colissimo (La Poste): return labels from the SLS web service, Suivi v2 tracking, Point Retrait points."""

from rma.shipping.carriers.colissimo.client import ColissimoCarrier

__all__ = ["ColissimoCarrier"]
