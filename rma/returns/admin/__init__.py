"""Admin for returns: reference data, returns (the support tool) and the records the services write."""

from rma.returns.admin import customer_lists, records, reference_data, return_request  # noqa: F401  (registers the model admins)
