"""Warehouse pages: one module per area (board and scan, returns and units, parcels, shipments, reports)."""
