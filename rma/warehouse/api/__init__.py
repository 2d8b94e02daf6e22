"""Warehouse API: one module per area (scan, boards, returns and units, parcels, shipments, reports)."""
