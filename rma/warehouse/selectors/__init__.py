"""Warehouse reads, one module per area: scope, board, units and grading data, shops' shipments, reports, refunds,
store credits."""

from rma.warehouse.selectors.board_counts import *  # noqa: F403
from rma.warehouse.selectors.board_counts import __all__ as _board_counts
from rma.warehouse.selectors.boards import *  # noqa: F403
from rma.warehouse.selectors.boards import __all__ as _boards
from rma.warehouse.selectors.credits import *  # noqa: F403
from rma.warehouse.selectors.credits import __all__ as _credits
from rma.warehouse.selectors.refunds import *  # noqa: F403
from rma.warehouse.selectors.refunds import __all__ as _refunds
from rma.warehouse.selectors.reports import *  # noqa: F403
from rma.warehouse.selectors.reports import __all__ as _reports
from rma.warehouse.selectors.scope import *  # noqa: F403
from rma.warehouse.selectors.scope import __all__ as _scope
from rma.warehouse.selectors.shipments import *  # noqa: F403
from rma.warehouse.selectors.shipments import __all__ as _shipments
from rma.warehouse.selectors.units import *  # noqa: F403
from rma.warehouse.selectors.units import __all__ as _units

__all__ = [*_scope, *_boards, *_board_counts, *_units, *_shipments, *_reports, *_refunds, *_credits]
