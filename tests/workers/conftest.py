"""Fixtures of the worker tests: the webhook receiver and the warehouse it notifies (the worker: live.py)."""

from tests.notifications.fixtures import notified_warehouse, receiver, warehouse  # noqa: F401 - fixtures
