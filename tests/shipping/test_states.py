"""The label and shipment lifecycles as data, and the one guarded door for each."""

import pytest

from rma.core.exceptions import InvalidTransition
from rma.shipping.choices import LabelStatus, ShipmentStatus
from rma.shipping.models import Label, Shipment
from rma.shipping.services.transitions import label_transition, shipment_transition
from rma.shipping.states import LABEL_TRANSITIONS, SHIPMENT_TRANSITIONS, label_can_transition, shipment_can_transition
from tests.helpers import race_on_row_lock
from tests.locations.factories import StoreFactory

LABEL_MOVES = [(source, target) for source, targets in LABEL_TRANSITIONS.items() for target in sorted(targets)]
LABEL_REFUSED = [
    (source, target)
    for source in LabelStatus.values
    for target in LabelStatus.values
    if target not in LABEL_TRANSITIONS[source]
]
SHIPMENT_MOVES = [(source, target) for source, targets in SHIPMENT_TRANSITIONS.items() for target in sorted(targets)]
SHIPMENT_REFUSED = [
    (source, target)
    for source in ShipmentStatus.values
    for target in ShipmentStatus.values
    if target not in SHIPMENT_TRANSITIONS[source]
]


def test_every_status_has_its_row_in_the_maps():
    assert set(LABEL_TRANSITIONS) == set(LabelStatus.values)
    assert set(SHIPMENT_TRANSITIONS) == set(ShipmentStatus.values)
    assert all(targets <= set(LabelStatus.values) for targets in LABEL_TRANSITIONS.values())
    assert all(targets <= set(ShipmentStatus.values) for targets in SHIPMENT_TRANSITIONS.values())
    assert not label_can_transition(LabelStatus.VOIDED, LabelStatus.READY)
    assert shipment_can_transition(ShipmentStatus.OPEN, ShipmentStatus.CLOSED)


@pytest.fixture
def label(make_return):
    return_request = make_return()  # approved: its label row is pending (the task runs only after commit)
    return Label.objects.get(return_request=return_request)


@pytest.fixture
def shipment(warehouse):
    store = StoreFactory(code="PAR09", name="Boutique Opéra", default_warehouse=warehouse)
    return Shipment.objects.create(number="S-PAR09-0001", sequence=1, store=store, warehouse=warehouse)


def _label_in(label: Label, status: str) -> Label:
    fields = {"status": status}
    if status == LabelStatus.READY:
        fields["tracking_number"] = "6A19999999990"
    Label.objects.filter(pk=label.pk).update(**fields)
    label.refresh_from_db()
    return label


@pytest.mark.parametrize(("source", "target"), LABEL_MOVES)
def test_every_allowed_label_move_works(label, source, target):
    label = _label_in(label, source)
    fields = []
    if target == LabelStatus.READY:  # a ready label has a tracking number (a DB constraint)
        label.tracking_number = "6A19999999990"
        fields.append("tracking_number")
    label_transition(label=label, to=target, fields=fields)
    label.refresh_from_db()
    assert label.status == target


@pytest.mark.parametrize(("source", "target"), LABEL_REFUSED)
def test_a_label_move_outside_the_lifecycle_is_refused(label, source, target):
    label = _label_in(label, source)
    with pytest.raises(InvalidTransition) as excinfo:
        label_transition(label=label, to=target)
    assert excinfo.value.extra == {"from": source, "to": target}
    assert Label.objects.get(pk=label.pk).status == source


@pytest.mark.parametrize(("source", "target"), SHIPMENT_MOVES)
def test_every_allowed_shipment_move_works(shipment, source, target):
    Shipment.objects.filter(pk=shipment.pk).update(status=source)
    shipment.refresh_from_db()
    shipment_transition(shipment=shipment, to=target)
    shipment.refresh_from_db()
    assert shipment.status == target


@pytest.mark.parametrize(("source", "target"), SHIPMENT_REFUSED)
def test_a_shipment_move_outside_the_lifecycle_is_refused(shipment, source, target):
    Shipment.objects.filter(pk=shipment.pk).update(status=source)
    shipment.refresh_from_db()
    with pytest.raises(InvalidTransition) as excinfo:
        shipment_transition(shipment=shipment, to=target)
    assert excinfo.value.extra == {"from": source, "to": target}
    assert Shipment.objects.get(pk=shipment.pk).status == source


def test_the_status_checked_is_the_databases_not_the_instances(shipment):
    stale = Shipment.objects.get(pk=shipment.pk)
    shipment_transition(shipment=shipment, to=ShipmentStatus.CLOSED)
    shipment_transition(shipment=shipment, to=ShipmentStatus.DISPATCHED)
    with pytest.raises(InvalidTransition):
        shipment_transition(shipment=stale, to=ShipmentStatus.CLOSED)  # the instance still says "open"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_shipment_moves_cannot_both_win(postgres_only, shipment):
    Shipment.objects.filter(pk=shipment.pk).update(status=ShipmentStatus.CLOSED)

    def move(to: str):
        return lambda: shipment_transition(shipment=Shipment.objects.get(pk=shipment.pk), to=to)

    outcomes = race_on_row_lock(
        move(ShipmentStatus.DISPATCHED),
        move(ShipmentStatus.DISPATCHED),
        lambda: Shipment.objects.select_for_update().get(pk=shipment.pk),
    )
    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], InvalidTransition)
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DISPATCHED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_label_moves_cannot_both_win(postgres_only, label):
    _label_in(label, LabelStatus.READY)

    def void():
        return label_transition(label=Label.objects.get(pk=label.pk), to=LabelStatus.VOIDED)

    outcomes = race_on_row_lock(void, void, lambda: Label.objects.select_for_update().get(pk=label.pk))
    assert outcomes["first"] == "won"
    assert isinstance(outcomes["second"], InvalidTransition)
    assert Label.objects.get(pk=label.pk).status == LabelStatus.VOIDED
