from rma.returns.choices import ReturnStatus as S
from rma.returns.states import ALLOWED_TRANSITIONS, CANCELLABLE_STATUSES, TERMINAL_STATUSES, can_transition


def test_every_status_has_an_entry():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)


def test_cancel_is_allowed_only_before_the_parcel_leaves():
    assert {S.DRAFT, S.SUBMITTED, S.NEEDS_REVIEW, S.APPROVED, S.LABEL_READY} == CANCELLABLE_STATUSES
    assert not can_transition(S.IN_TRANSIT, S.CANCELLED)


def test_terminal_statuses():
    assert {S.REJECTED, S.CLOSED, S.CANCELLED, S.EXPIRED} == TERMINAL_STATUSES


def test_the_happy_path_is_a_chain():
    path = [
        S.DRAFT,
        S.SUBMITTED,
        S.APPROVED,
        S.LABEL_READY,
        S.IN_TRANSIT,
        S.RECEIVED,
        S.INSPECTED,
        S.REFUNDED,
        S.CLOSED,
    ]
    assert all(can_transition(a, b) for a, b in zip(path, path[1:], strict=False))
    assert not can_transition(S.DRAFT, S.APPROVED)
    assert not can_transition(S.RECEIVED, S.REFUNDED)
