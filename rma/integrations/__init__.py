"""Clients for systems outside the machine (the shop, carriers), behind small interfaces. Not a Django app."""
