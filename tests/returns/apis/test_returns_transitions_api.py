import pytest

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_return):
    return make_return(submit=False)


@pytest.fixture
def under_review(make_return, policy):
    policy.auto_approve = False
    policy.save(update_fields=["auto_approve"])
    return make_return(submit=True)


def test_submit_a_draft(integration, draft):
    response = integration.post(f"/api/v1/returns/{draft.public_id}/submit/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.APPROVED


def test_submit_twice_is_409(integration, draft):
    integration.post(f"/api/v1/returns/{draft.public_id}/submit/")

    response = integration.post(f"/api/v1/returns/{draft.public_id}/submit/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_cancel_with_a_note_releases_the_units(agent, draft):
    line = draft.lines.get().order_line

    response = agent.post(f"/api/v1/returns/{draft.public_id}/cancel/", {"note": "Le client a changé d'avis"})

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "cancelled"
    assert data["timeline"][-1]["note"] == "Le client a changé d'avis"
    assert data["timeline"][-1]["by"] == "agent-claire"
    line.refresh_from_db()
    assert line.quantity_in_returns == 0


def test_cancel_note_is_optional_but_typed(agent, draft):
    bad = agent.post(f"/api/v1/returns/{draft.public_id}/cancel/", {"note": ["a", "b"]}, format="json")
    ok = agent.post(f"/api/v1/returns/{draft.public_id}/cancel/")

    assert bad.status_code == 400
    assert ok.status_code == 200


def test_agents_approve_a_return_under_review(agent, under_review):
    assert under_review.status == ReturnStatus.NEEDS_REVIEW

    response = agent.post(f"/api/v1/returns/{under_review.public_id}/approve/", {"note": "OK"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["timeline"][-1]["by"] == "agent-claire"


def test_superusers_reject_with_a_required_reason(superuser, under_review):
    missing = superuser.post(f"/api/v1/returns/{under_review.public_id}/reject/", {}, format="json")
    blank = superuser.post(f"/api/v1/returns/{under_review.public_id}/reject/", {"reason": "   "}, format="json")
    rejected = superuser.post(
        f"/api/v1/returns/{under_review.public_id}/reject/",
        {"reason": "Article porté", "note": "Vu avec le responsable"},
        format="json",
    )

    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["details"]
    assert blank.status_code == 400
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["timeline"][-1]["reason"] == "Article porté"
    assert rejected.json()["timeline"][-1]["note"] == "Vu avec le responsable"


def test_only_agents_and_superusers_review(integration, store_staff, warehouse_staff, under_review):
    for client in (integration, store_staff, warehouse_staff):
        for action in ("approve", "reject"):
            response = client.post(f"/api/v1/returns/{under_review.public_id}/{action}/", {"reason": "x"})
            assert response.status_code == 403
    assert ReturnRequest.objects.get(pk=under_review.pk).status == ReturnStatus.NEEDS_REVIEW


def test_approving_a_draft_is_409(agent, draft):
    response = agent.post(f"/api/v1/returns/{draft.public_id}/approve/")

    assert response.status_code == 409


def test_store_staff_move_their_shops_returns_only(store_staff, make_return, store, other_store):
    ours = make_return(submit=False, store=store)
    theirs = make_return(submit=False, store=other_store)

    assert store_staff.post(f"/api/v1/returns/{ours.public_id}/submit/").status_code == 200
    assert store_staff.post(f"/api/v1/returns/{theirs.public_id}/submit/").status_code == 404
    assert store_staff.post(f"/api/v1/returns/{theirs.public_id}/cancel/").status_code == 404
    assert ReturnRequest.objects.get(pk=theirs.pk).status == ReturnStatus.DRAFT


def test_warehouse_staff_cannot_submit_or_cancel(warehouse_staff, draft):
    assert warehouse_staff.post(f"/api/v1/returns/{draft.public_id}/submit/").status_code == 403
    assert warehouse_staff.post(f"/api/v1/returns/{draft.public_id}/cancel/").status_code == 403
