"""Warehouse models, one module per aggregate: arrivals, shops' cartons, grading reference data, inspection,
refunds and exchanges, store credit."""

from rma.warehouse.models.arrivals import *  # noqa: F403
from rma.warehouse.models.arrivals import __all__ as _arrivals
from rma.warehouse.models.cartons import *  # noqa: F403
from rma.warehouse.models.cartons import __all__ as _cartons
from rma.warehouse.models.credits import *  # noqa: F403
from rma.warehouse.models.credits import __all__ as _credits
from rma.warehouse.models.grading import *  # noqa: F403
from rma.warehouse.models.grading import __all__ as _grading
from rma.warehouse.models.inspection import *  # noqa: F403
from rma.warehouse.models.inspection import __all__ as _inspection
from rma.warehouse.models.refunds import *  # noqa: F403
from rma.warehouse.models.refunds import __all__ as _refunds

__all__ = [*_arrivals, *_cartons, *_credits, *_grading, *_inspection, *_refunds]
