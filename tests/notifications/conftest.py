from tests.notifications.fixtures import notified_warehouse, receiver, warehouse  # noqa: F401 - fixtures
