"""Admin for returns: reference data, returns and their records."""

from rma.returns.admin import return_request  # noqa: F401
from rma.returns.admin.return_request import ReadOnlyAdminMixin  # noqa: F401
