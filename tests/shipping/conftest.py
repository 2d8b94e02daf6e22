import itertools
from collections.abc import Callable

import pytest

from rma.returns.models import ReturnRequest
from rma.shipping import carriers
from rma.shipping.carriers import CarrierError, CarrierUnavailable
from rma.shipping.carriers.builtin import BuiltinCarrier
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from tests.locations.factories import DropOffPointFactory, WarehouseFactory
from tests.shipping.labels import shop, shop_return  # noqa: F401 - fixtures


@pytest.fixture
def warehouse(db):
    """The Lyon warehouse: its name and phone are printed on labels."""
    return WarehouseFactory(code="WH-LYS", name="Entrepôt Retours Lyon Sud", phone="+33 4 72 00 00 00")


@pytest.fixture
def relay(db):
    """A relay point whose name is printed on labels."""
    return DropOffPointFactory(name="Tabac Presse du Marché")


@pytest.fixture
def approved_return(make_return, django_capture_on_commit_callbacks):
    """An approved return whose label task ran (eagerly, after commit): the return is label_ready."""
    with django_capture_on_commit_callbacks(execute=True):
        return_request = make_return()
    return_request.refresh_from_db()
    return return_request


class ScriptedCarrier(BuiltinCarrier):
    """A carrier outside the machine, played by a script: raise these errors first, then answer like the built-in."""

    code = "scripted"

    def __init__(self, failures: list[Exception], void_failures: list[Exception]) -> None:
        super().__init__()
        self.failures = failures
        self.void_failures = void_failures
        self.calls = 0
        self.voided: list[str] = []

    def create_label(self, *, request):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return super().create_label(request=request)

    def void_label(self, *, tracking_number: str) -> None:
        if self.void_failures:
            raise self.void_failures.pop(0)
        self.voided.append(tracking_number)


@pytest.fixture
def scripted_carrier(monkeypatch) -> Callable[..., ScriptedCarrier]:
    """Register carrier "scripted" in the carrier registry; it fails `transient` times, or for ever if `permanent`."""

    def register(
        *, transient: int = 0, permanent: bool = False, refused: bool = False, void_refused: bool = False
    ) -> ScriptedCarrier:
        if refused:
            failures: list[Exception] = [CarrierError("address refused by the carrier")]
        elif permanent:
            failures = [CarrierUnavailable(f"carrier timeout #{n}") for n in itertools.islice(itertools.count(1), 50)]
        else:
            failures = [CarrierUnavailable(f"carrier timeout #{n}") for n in range(1, transient + 1)]
        void_failures: list[Exception] = [CarrierError("parcel already scanned")] if void_refused else []
        carrier = ScriptedCarrier(failures, void_failures)
        monkeypatch.setitem(carriers._FACTORIES, ScriptedCarrier.code, lambda settings: carrier)
        return carrier

    return register


@pytest.fixture
def celery_conf():
    """Change Celery settings for one test (the app reads them once from Django's settings)."""
    from returns_portal.celery import app

    saved: dict[str, object] = {}

    def change(**values: object) -> None:
        for key in values:
            saved.setdefault(key, app.conf[key])
        app.conf.update(values)

    yield change
    app.conf.update(saved)


@pytest.fixture
def eager_retries(celery_conf):
    """Run a task's retries in the test, as a worker would: Celery only loops on them when errors do not propagate."""
    celery_conf(task_eager_propagates=False)


@pytest.fixture
def waiting(make_return):
    """Approved returns, one after the other, whose label tasks have not run (their callbacks are not executed)."""

    def make(count: int) -> list[ReturnRequest]:
        returns = [make_return() for _ in range(count)]
        assert set(Label.objects.values_list("status", flat=True)) == {LabelStatus.PENDING}
        return returns

    return make
