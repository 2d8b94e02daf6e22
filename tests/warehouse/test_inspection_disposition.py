import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rma.core.exceptions import Conflict, DomainError, InvalidTransition
from rma.returns.choices import ReturnStatus as S
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.models import DispositionRule, Grade, GradeScale, Inspection
from rma.warehouse.services import (
    arrival_register,
    disposition_confirm,
    disposition_suggest,
    inspection_record,
    warehouse_reference_data_seed,
)
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db


def png_upload(name="unit.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def grade(category, code):
    return Grade.objects.get(scale__category=category, code=code)


@pytest.fixture
def received(make_return, warehouse, operator):
    def make(**kwargs):
        return_request = make_return(**kwargs)
        arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
        return_request.refresh_from_db()
        return return_request

    return make


def test_seed_is_idempotent(reference_data):
    assert warehouse_reference_data_seed() == {
        "grade_scales": 0,
        "grades": 0,
        "checklist_items": 0,
        "disposition_rules": 0,
    }
    assert set(Grade.objects.filter(scale__category="apparel").values_list("code", flat=True)) == {"A", "B", "C", "D"}


def test_a_unit_is_graded_with_its_checklist_and_photos(received, operator):
    return_request = received(quantity=2)
    line = return_request.lines.get()
    inspection = inspection_record(
        return_line=line,
        unit_index=1,
        actor=operator,
        grade=grade("apparel", "B"),
        checklist={"tags_attached": True},
        notes=" tried on ",
        photos=[png_upload()],
    )
    assert inspection.grade.code == "B"
    assert inspection.inspected_by == operator
    assert inspection.notes == "tried on"
    # Unticked items are recorded as not checked.
    assert inspection.checklist == {
        "no_sign_of_wear": False,
        "no_stain_or_smell": False,
        "original_packaging": False,
        "tags_attached": True,
    }
    assert inspection.photos.get().content_type == "image/png"


def test_a_grade_from_another_category_scale_is_refused(received, operator):
    return_request = received()
    with pytest.raises(DomainError) as excinfo:
        inspection_record(
            return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade("electronics", "A")
        )
    assert excinfo.value.code == "invalid_grade"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"unit_index": 5}, "invalid_unit"),
        ({"grade": None}, "grade_required"),
        ({"checklist": {"powers_on": True}}, "invalid_checklist"),
        ({"photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]}, "invalid_photo"),
    ],
)
def test_invalid_inspections_are_refused(received, operator, kwargs, code):
    return_request = received()
    params = {"unit_index": 0, "grade": grade("apparel", "A"), **kwargs}
    with pytest.raises(DomainError) as excinfo:
        inspection_record(return_line=return_request.lines.get(), actor=operator, **params)
    assert excinfo.value.code == code
    assert not Inspection.objects.exists()


def test_a_serial_number_is_required_where_the_product_has_one(received, operator):
    return_request = received(category="electronics", has_serial_number=True)
    line = return_request.lines.get()
    with pytest.raises(DomainError) as excinfo:
        inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("electronics", "A"))
    assert excinfo.value.code == "serial_number_required"
    inspection = inspection_record(
        return_line=line, unit_index=0, actor=operator, grade=grade("electronics", "A"), serial_number=" SN-1 "
    )
    assert inspection.serial_number == "SN-1"


def test_a_unit_is_inspected_once_unless_regraded_before_its_disposition(received, operator, second_operator):
    return_request = received()
    line = return_request.lines.get()
    inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("apparel", "A"))
    with pytest.raises(Conflict) as excinfo:
        inspection_record(return_line=line, unit_index=0, actor=second_operator, grade=grade("apparel", "C"))
    assert excinfo.value.code == "unit_already_inspected"
    assert "already inspected by Alice Martin" in excinfo.value.message
    regraded = inspection_record(
        return_line=line, unit_index=0, actor=second_operator, grade=grade("apparel", "C"), regrade=True
    )
    assert (regraded.grade.code, regraded.inspected_by) == ("C", second_operator)
    disposition_confirm(inspection=regraded, actor=second_operator)
    # Now inspected: nothing can be regraded any more.
    with pytest.raises(InvalidTransition):
        inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("apparel", "A"), regrade=True)


def test_units_cannot_be_inspected_before_the_parcel_is_received(make_return, operator):
    return_request = make_return()
    with pytest.raises(InvalidTransition) as excinfo:
        inspection_record(
            return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade("apparel", "A")
        )
    assert excinfo.value.code == "not_inspectable"


@pytest.mark.parametrize(
    ("category", "grade_code", "expected"),
    [
        ("apparel", "A", DispositionKind.RESTOCK),
        ("apparel", "B", DispositionKind.RESTOCK),
        ("apparel", "C", DispositionKind.RESELL_SECONDHAND),
        ("apparel", "D", DispositionKind.RECYCLE),
        ("electronics", "B", DispositionKind.RESTOCK_OPEN_BOX),
        ("electronics", "C", DispositionKind.REFURBISH),
        ("beauty", "B", DispositionKind.DONATE),
        ("home", "C", DispositionKind.RESELL_SECONDHAND),
    ],
)
def test_default_rules_suggest_by_category_and_grade(received, operator, category, grade_code, expected):
    return_request = received(category=category)
    inspection = inspection_record(
        return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade(category, grade_code)
    )
    assert disposition_suggest(inspection=inspection).kind == expected


def test_rules_are_tried_in_order_and_match_reason_and_age(received, operator):
    defective = ReasonCodeFactory(code="defective", responsibility="merchant", legal_basis="non_conformity")
    DispositionRule.objects.create(position=1, reason=defective, disposition=DispositionKind.RETURN_TO_VENDOR)
    DispositionRule.objects.create(position=2, category="apparel", min_age_days=5, max_age_days=20,
                                   disposition=DispositionKind.DONATE)  # fmt: skip
    by_reason = received(reason=defective)
    inspection = inspection_record(
        return_line=by_reason.lines.get(), unit_index=0, actor=operator, grade=grade("apparel", "A")
    )
    suggestion = disposition_suggest(inspection=inspection)
    assert (suggestion.kind, suggestion.rule.position) == (DispositionKind.RETURN_TO_VENDOR, 1)
    by_age = received()  # delivered 10 days ago by the factory
    inspection = inspection_record(
        return_line=by_age.lines.get(), unit_index=0, actor=operator, grade=grade("apparel", "A")
    )
    assert disposition_suggest(inspection=inspection).kind == DispositionKind.DONATE
    DispositionRule.objects.filter(position=2).update(max_age_days=9)
    assert disposition_suggest(inspection=inspection).kind == DispositionKind.RESTOCK


def test_accepting_the_suggestion_and_overriding_it(received, operator):
    return_request = received(quantity=2)
    line = return_request.lines.get()
    first = inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("apparel", "A"))
    second = inspection_record(return_line=line, unit_index=1, actor=operator, grade=grade("apparel", "C"))
    accepted = disposition_confirm(inspection=first, actor=operator)
    assert (accepted.kind, accepted.suggested_kind, accepted.overridden) == ("restock", "restock", False)
    assert accepted.rule is not None
    with pytest.raises(DomainError) as excinfo:
        disposition_confirm(inspection=second, actor=operator, kind=DispositionKind.DONATE)
    assert excinfo.value.code == "override_reason_required"
    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    overridden = disposition_confirm(
        inspection=second, actor=operator, kind=DispositionKind.DONATE, override_reason="Charity partner asked"
    )
    assert (overridden.kind, overridden.suggested_kind, overridden.overridden) == (
        "donate",
        "resell_secondhand",
        True,
    )
    # The last unit done: the return is inspected.
    return_request.refresh_from_db()
    assert return_request.status == S.INSPECTED
    assert return_request.events.last().actor == operator


def test_without_a_matching_rule_the_operator_must_choose(received, operator):
    return_request = received()
    inspection = inspection_record(
        return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade("apparel", "A")
    )
    DispositionRule.objects.all().delete()
    with pytest.raises(DomainError) as excinfo:
        disposition_confirm(inspection=inspection, actor=operator)
    assert excinfo.value.code == "disposition_required"
    disposition_confirm(inspection=inspection, actor=operator, kind=DispositionKind.RESTOCK)


def test_destroy_requires_a_legal_derogation(received, operator):
    return_request = received()
    inspection = inspection_record(
        return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade("apparel", "D")
    )
    with pytest.raises(DomainError) as excinfo:
        disposition_confirm(
            inspection=inspection, actor=operator, kind=DispositionKind.DESTROY, override_reason="Mouldy"
        )
    assert excinfo.value.code == "derogation_required"
    disposition = disposition_confirm(
        inspection=inspection,
        actor=operator,
        kind=DispositionKind.DESTROY,
        override_reason="Mould: health risk",
        derogation=Derogation.HEALTH_SAFETY,
        derogation_note="Mould inside",
    )
    assert (disposition.kind, disposition.derogation) == ("destroy", "health_safety")


def test_missing_units_need_no_grade_nor_disposition(received, operator):
    return_request = received(quantity=2)
    line = return_request.lines.get()
    inspection_record(return_line=line, unit_index=0, actor=operator, condition=UnitCondition.MISSING)
    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    wrong = inspection_record(return_line=line, unit_index=1, actor=operator, condition=UnitCondition.WRONG_ITEM)
    assert wrong.grade is None
    return_request.refresh_from_db()
    assert return_request.status == S.INSPECTED
    with pytest.raises(DomainError) as excinfo:
        disposition_confirm(inspection=wrong, actor=operator)
    assert excinfo.value.code in {"not_inspectable", "no_disposition_needed"}


def test_concurrent_second_disposition_message_names_the_first_operator(received, operator, second_operator):
    return_request = received(quantity=2)
    line = return_request.lines.get()
    inspection = inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("apparel", "A"))
    disposition_confirm(inspection=inspection, actor=operator)
    with pytest.raises(Conflict) as excinfo:
        disposition_confirm(inspection=inspection, actor=second_operator)
    assert excinfo.value.code == "disposition_already_confirmed"
    assert "Alice Martin" in excinfo.value.message


def test_a_category_without_scale_falls_back_to_the_general_scale(received, operator):
    GradeScale.objects.filter(category="home").delete()
    return_request = received(order_line=OrderLineFactory(category="home"))
    inspection = inspection_record(
        return_line=return_request.lines.get(), unit_index=0, actor=operator, grade=grade("other", "B")
    )
    assert disposition_suggest(inspection=inspection).kind == DispositionKind.RESTOCK_OPEN_BOX


def test_the_second_operator_is_told_who_was_first_even_after_the_return_moved_on(received, operator, second_operator):
    return_request = received()
    line = return_request.lines.get()
    inspection = inspection_record(return_line=line, unit_index=0, actor=operator, grade=grade("apparel", "A"))
    disposition_confirm(inspection=inspection, actor=operator)  # the last unit: the return is now inspected
    with pytest.raises(Conflict) as excinfo:
        disposition_confirm(inspection=inspection, actor=second_operator)
    assert "Alice Martin already confirmed" in excinfo.value.message
    with pytest.raises(Conflict) as excinfo:
        inspection_record(return_line=line, unit_index=0, actor=second_operator, grade=grade("apparel", "B"))
    assert excinfo.value.code == "unit_already_inspected"
