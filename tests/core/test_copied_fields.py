"""A serializer whose plain fields are copied, not rebuilt, checks a body exactly as DRF's deep copies would."""

from rest_framework import serializers

from rma.core.api.fields import CopiedFieldsSerializer, StrictChoiceField, StrictIntegerField
from rma.returns.api.creation import ReturnCreateInputSerializer


class Line(CopiedFieldsSerializer):
    quantity = StrictIntegerField(min_value=1, max_value=10)
    kind = StrictChoiceField(choices=[("a", "A"), ("b", "B")])


class Body(CopiedFieldsSerializer):
    lines = Line(many=True)
    note = serializers.CharField(max_length=5, required=False)


class DeepCopiedLine(serializers.Serializer):
    quantity = StrictIntegerField(min_value=1, max_value=10)
    kind = StrictChoiceField(choices=[("a", "A"), ("b", "B")])


class DeepCopiedBody(serializers.Serializer):
    lines = DeepCopiedLine(many=True)
    note = serializers.CharField(max_length=5, required=False)


BODIES = [
    {"lines": [{"quantity": 2, "kind": "a"}], "note": "ok"},
    {"lines": [{"quantity": 0, "kind": "c"}, {"quantity": "3", "kind": "b"}], "note": "too long"},
    {"lines": "not a list"},
    {},
]


def test_errors_and_values_are_those_of_deep_copied_fields():
    for body in BODIES:
        copied, deep = Body(data=body), DeepCopiedBody(data=body)
        assert copied.is_valid() == deep.is_valid(), body
        assert copied.errors == deep.errors, body
        assert copied.validated_data == deep.validated_data, body
    assert not Body(data=BODIES[1]).is_valid()


def test_each_instance_has_fields_of_its_own_bound_to_it():
    first, second = Body(data=BODIES[0]), Body(data=BODIES[0])

    note_first, note_second = first.fields["note"], second.fields["note"]
    assert note_first is not note_second
    assert note_first is not Body._declared_fields["note"]
    assert note_first.parent is first
    assert note_second.parent is second
    assert Body._declared_fields["note"].parent is None
    assert Body._declared_fields["note"].field_name is None
    assert first.fields["lines"] is not second.fields["lines"]
    assert first.fields["lines"].child is not Body._declared_fields["lines"].child


def test_a_validator_added_to_one_instance_s_field_stays_there():
    def refuse(value):
        raise serializers.ValidationError("refused")

    first = Body(data=BODIES[0])
    first.fields["note"].validators.append(refuse)

    assert not first.is_valid()
    second = Body(data=BODIES[0])
    assert second.is_valid(), second.errors
    assert refuse not in Body._declared_fields["note"].validators


def test_the_creation_body_is_checked_by_copies():
    serializer = ReturnCreateInputSerializer(data={})

    assert not serializer.is_valid()
    assert set(serializer.errors) >= {"order", "lines", "drop_off"}
    for name, field in serializer.fields.items():
        assert field is not ReturnCreateInputSerializer._declared_fields[name]
        assert field.parent is serializer
