import pytest

from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons(db):
    return [
        ReasonCodeFactory(code="defective", label_fr="Défectueux", label_en="Defective", position=1,
                          responsibility="merchant", legal_basis="non_conformity", requires_photo=True,
                          free_return=True),
        ReasonCodeFactory(code="too-small", label_fr="Trop petit", label_en="Too small", position=2),
        ReasonCodeFactory(code="retired", label_fr="Ancien", label_en="Old", position=3, is_active=False),
    ]  # fmt: skip


def test_lists_active_reasons_in_order_with_both_labels(store_staff, reasons):
    response = store_staff.get("/api/v1/reason-codes/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["code"] for r in results] == ["defective", "too-small"]
    assert results[0] == {
        "code": "defective",
        "label": "Defective",
        "label_fr": "Défectueux",
        "label_en": "Defective",
        "responsibility": "merchant",
        "requires_photo": True,
        "free_return": True,
        "legal_basis": "non_conformity",
    }


def test_label_language_from_accept_language_or_lang(warehouse_staff, reasons):
    french = warehouse_staff.get("/api/v1/reason-codes/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    forced = warehouse_staff.get("/api/v1/reason-codes/?lang=en", HTTP_ACCEPT_LANGUAGE="fr")

    assert french.json()["results"][0]["label"] == "Défectueux"
    assert forced.json()["results"][0]["label"] == "Defective"


def test_unknown_lang_is_400(agent, reasons):
    response = agent.get("/api/v1/reason-codes/?lang=de")

    assert response.status_code == 400
    assert "lang" in response.json()["error"]["details"]


def test_paginates_with_a_cursor(integration, reasons):
    first = integration.get("/api/v1/reason-codes/?page_size=1")

    assert [r["code"] for r in first.json()["results"]] == ["defective"]
    second = integration.get(first.json()["next"])
    assert [r["code"] for r in second.json()["results"]] == ["too-small"]
    assert second.json()["next"] is None
