"""Serializer fields shared by the API modules."""

import copy
from datetime import UTC, datetime
from typing import Any

from django.http import QueryDict
from rest_framework import serializers


class Rfc3339DateTimeField(serializers.DateTimeField):
    """A date-time as RFC 3339 says: in local time, or in UTC when the local offset has seconds.

    Before standard time zones (1911 in France) the local offset is the local mean time, such as +00:09:21, which
    RFC 3339 (the OpenAPI `date-time` format) cannot write.
    """

    def to_representation(self, value: Any) -> Any:
        if isinstance(value, datetime):
            local = self.enforce_timezone(value)
            offset = local.utcoffset()
            if offset is not None and offset.seconds % 60:
                value = local.astimezone(UTC)
                return value.isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class FormData(dict[str, Any]):
    """A form's fields made into a plain dict by a view (several files under one name, say): still all text."""


def _typed_body(field: serializers.Field) -> bool:
    """True when the data is JSON, whose values carry their own type; form data and query strings are all text."""
    return not isinstance(getattr(field.root, "initial_data", None), QueryDict | FormData)


class StrictCharField(serializers.CharField):
    """Text, only from a JSON string: DRF's CharField would take the number 12 or `true` as "12" or "True"."""

    def to_internal_value(self, data: Any) -> str:
        if _typed_body(self) and not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, only as the JSON type the choice has: the number 1 is not the choice "1"."""

    def to_internal_value(self, data: Any) -> Any:
        textual = all(isinstance(key, str) for key in self.choices)
        if _typed_body(self) and (isinstance(data, bool) or (textual and not isinstance(data, str))):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number, only from a JSON number: DRF's IntegerField would take the string "12"."""

    def to_internal_value(self, data: Any) -> int:
        if _typed_body(self) and (isinstance(data, bool) or not isinstance(data, int | float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`, only as JSON booleans: DRF's BooleanField would take "yes", "0" or 1."""

    def to_internal_value(self, data: Any) -> bool:
        if _typed_body(self) and not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class CopiedFieldsSerializer(serializers.Serializer):
    """A serializer whose plain fields are copied for each instance rather than built again.

    DRF gives every serializer instance its own fields by deep-copying the declared ones, which calls each field's
    `__init__` again with deep copies of its arguments (a ChoiceField's choices among them). For a request body
    checked on every call of a busy endpoint, that was most of the check's cost. A plain field is unbound and
    never changed once declared, so a copy of its attributes, with a list of validators of its own, is the same
    field; a nested serializer or a field with a child is still deep-copied, as DRF does.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: _field_copy(field) for name, field in self._declared_fields.items()}


def _field_copy(field: serializers.Field) -> serializers.Field:
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or field.field_name is not None:
        return copy.deepcopy(field)
    copied = object.__new__(type(field))  # copy.copy's work, without its protocol lookups
    copied.__dict__.update(field.__dict__)
    if "_validators" in field.__dict__:
        copied.validators = list(field.validators)
    return copied
