from tests.notifications.fixtures import (  # noqa: F401 - fixtures
    make_return,
    notified_warehouse,
    policy,
    reason,
    receiver,
    relay,
    warehouse,
)
