"""Fixtures for customer service's pages: an agent, returns waiting for a decision with a customer history."""

import pytest

from tests.core.factories import UserFactory
from tests.helpers import english_pages  # noqa: F401 - autouse fixture
from tests.returns.factories import ReturnPolicyFactory


@pytest.fixture
def policy(db):
    """Returns worth more than 100 € wait for an agent (the policy says why)."""
    return ReturnPolicyFactory(review_order_value_above="100.00")


@pytest.fixture
def camille(db):
    """An agent, as seed_demo makes one: staff, in the agent group (with its permissions from migrate)."""
    return UserFactory(username="camille", roles=["agent"], is_staff=True, first_name="Camille")


@pytest.fixture
def flagged(make_return):
    """A return that waits for an agent, by `email`; `unit_price` over 100 makes the policy flag it."""

    def make(email="lea@example.com", unit_price="149.00", **kwargs):
        return make_return(contact_email=email, unit_price=unit_price, **kwargs)

    return make


from tests.portal.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
