"""The shop's pages and API: the counter, receipts and shipments to a warehouse."""
