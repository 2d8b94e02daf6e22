"""A fixed set of returns with estimates worked out by hand (factors below), and the people who read the report."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rma.core import roles
from rma.insights.rollups import all_days_rebuild
from rma.returns.choices import ReturnStatus
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReturnFootprint, ReturnRequest
from rma.returns.services import return_request_cancel
from rma.warehouse.choices import Derogation, DispositionKind
from rma.warehouse.models import Disposition, Grade
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    inspection_record,
    warehouse_reference_data_seed,
)
from tests.core.factories import UserFactory
from tests.helpers import (
    english_pages,  # noqa: F401 - autouse fixture
    staff_member,
)
from tests.insights import analytics_data
from tests.locations.factories import DropOffPointFactory, StoreFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import return_request_make

FACTORS = {
    "carrier_leg_g": {"store": 150, "relay_point": 300, "locker": 250, "post_office": 320, "home_pickup": 400},
    "car_g_per_km": 200,
    "dedicated_trip_share": {"store": 0.5, "relay_point": 0.5, "locker": 0.25, "post_office": 0.4, "home_pickup": 0},
    "walkable_km": 1.0,
}
AT = {"order__latitude": 45.0, "order__longitude": 5.0}


@pytest.fixture(autouse=True)
def factors(settings):
    settings.RMA_CARBON_FACTORS = FACTORS
    settings.RMA_CARBON_FACTORS_VERSION = "test-2026.1"


@pytest.fixture
def returns_sent(policy, warehouse, reason):
    """Four returns this month and one last month, at `warehouse` but one:
    - a locker 556 m away, walked to: 250 g (greener than 400 g at home);
    - a relay point 5.004 km away: 300 g + 2 × 5.004 × 200 × 0.5 = 1,301 g;
    - a home pickup: 400 g;
    - a cancelled return (sent nothing: left out);
    - last month, a relay point 5.004 km away at another warehouse: 1,301 g.
    """
    locker = DropOffPointFactory(kind="locker", latitude=45.005, longitude=5.0)
    relay = DropOffPointFactory(kind="relay_point", latitude=45.045, longitude=5.0)
    day = timezone.localdate() + timedelta(days=2)
    if day.isoweekday() == 7:  # no pickup on Sundays
        day += timedelta(days=1)
    home = DropOffChoice(method="home_pickup", pickup_date=day, pickup_slot="08:00-12:00")
    made = {
        "locker": return_request_make(reason=reason, point=locker, **AT),
        "relay": return_request_make(reason=reason, point=relay, **AT),
        "home": return_request_make(reason=reason, drop_off=home, **AT),
        "cancelled": return_request_make(reason=reason, point=relay, **AT),
        "elsewhere": return_request_make(reason=reason, point=relay, **AT),
    }
    return_request_cancel(return_request=made["cancelled"], actor=None)
    other = WarehouseFactory(code="WH-OTHER")
    ReturnRequest.objects.filter(pk__in=[r.pk for r in made.values()]).update(destination_warehouse=warehouse)
    ReturnRequest.objects.filter(pk=made["elsewhere"].pk).update(destination_warehouse=other)
    first_of_month = timezone.localdate().replace(day=1)
    last_month = timezone.now() - timedelta(days=timezone.localdate().day + 3)
    ReturnRequest.objects.filter(pk=made["elsewhere"].pk).update(created_at=last_month)
    ReturnFootprint.objects.filter(return_request=made["elsewhere"]).update(created_at=last_month)
    made["last_month"] = first_of_month - timedelta(days=1)
    all_days_rebuild()  # what the workers keep up to date (rma.insights.refresh)
    return made


@pytest.fixture
def agent(db):
    return UserFactory(username="camille", roles=[roles.AGENT], first_name="Camille")


@pytest.fixture
def warehouse_manager(warehouse):
    user = UserFactory(username="wanda", roles=[roles.WAREHOUSE_STAFF])
    warehouse.staff.add(user)
    return user


# ---- dispositions of returned units

WEIGHTS = {"apparel": 350, "footwear": 900, "other": 500}


@pytest.fixture(autouse=True)
def weights(settings):
    settings.RMA_CATEGORY_UNIT_WEIGHT_G = WEIGHTS


def _dispose(make_return, warehouse, operator, category, dispositions):
    """A return of len(dispositions) units of `category`, received at `warehouse`, each unit given its
    (kind, derogation)."""
    line = OrderLineFactory(quantity=len(dispositions), category=category)
    return_request = make_return(order_line=line, quantity=len(dispositions), status=ReturnStatus.IN_TRANSIT)
    return_request.destination_warehouse = warehouse
    return_request.save(update_fields=["destination_warehouse"])
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    return_line = return_request.lines.get()
    grade = Grade.objects.filter(scale__category=category).order_by("position").last()
    for index, (kind, derogation) in enumerate(dispositions):
        inspection = inspection_record(return_line=return_line, unit_index=index, actor=operator, grade=grade)
        disposition_confirm(
            inspection=inspection,
            actor=operator,
            kind=kind,
            override_reason="As the operator saw it",
            derogation=derogation,
            derogation_note="Checked" if derogation else "",
        )
    return return_request


@pytest.fixture
def disposed(make_return, warehouse, agent):
    """Apparel: 2 restocked, 1 donated, 1 recycled, 2 destroyed (mould); footwear: 1 resold second-hand, 1
    destroyed (counterfeit); at another warehouse, 1 apparel unit recycled; last year, 1 apparel unit destroyed."""
    warehouse_reference_data_seed()
    operator = staff_member(warehouse, "alice", "warehouse_staff")
    other = WarehouseFactory(code="WH-OTHER")
    other_operator = staff_member(other, "lea", "warehouse_staff")
    restock, donate, recycle, destroy = (
        (DispositionKind.RESTOCK, ""),
        (DispositionKind.DONATE, ""),
        (DispositionKind.RECYCLE, ""),
        (DispositionKind.DESTROY, Derogation.HEALTH_SAFETY),
    )
    _dispose(make_return, warehouse, operator, "apparel", [restock, restock, donate, recycle, destroy, destroy])
    _dispose(
        make_return,
        warehouse,
        operator,
        "footwear",
        [(DispositionKind.RESELL_SECONDHAND, ""), (DispositionKind.DESTROY, Derogation.IP_INFRINGEMENT)],
    )
    _dispose(make_return, other, other_operator, "apparel", [recycle])
    last_year = _dispose(make_return, warehouse, operator, "apparel", [destroy])
    Disposition.objects.filter(inspection__return_line__return_request=last_year).update(
        confirmed_at=timezone.now() - timedelta(days=400)
    )
    all_days_rebuild()  # what the workers keep up to date (rma.insights.refresh)
    return operator


# ---- a month of sales and returns for the analytics (tests/insights/analytics_data.py)


@pytest.fixture(autouse=True)
def costs(settings):
    settings.RMA_INSIGHTS_LABEL_COST = {"default": "5.50"}
    settings.RMA_INSIGHTS_HANDLING_COST = "2.00"


@pytest.fixture
def shop(warehouse):
    return StoreFactory(code="LYO01", name="Lyon République", default_warehouse=warehouse)


@pytest.fixture
def october(make_return, shop):
    return analytics_data.build(make_return, shop)


from tests.portal.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
