"""OpenAPI generation tweaks shared by every API view."""

from decimal import Decimal
from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import Direction
from rest_framework.fields import CharField, DecimalField, EmailField, Field, ListField
from rest_framework.serializers import ListSerializer, Serializer

from rma.core.api.fields import StrictCharField
from rma.core.api.permissions import error_response


def _decimal_pattern(field: DecimalField) -> str:
    """What a decimal field takes as text: digits, at most its decimal places, a sign only when it may be negative.

    drf-spectacular's own pattern also lets through "", "-" and ".", which the field refuses.
    """
    max_digits, decimal_places = field.max_digits, field.decimal_places
    whole = f"{{1,{max_digits - decimal_places}}}" if max_digits is not None and decimal_places is not None else "+"
    places = str(decimal_places) if decimal_places is not None else ""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    return rf"^{sign}(?:\d{whole}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


def _text_or_number(field: DecimalField, text: dict[str, Any]) -> dict[str, Any]:
    """An amount in a request is a decimal string ("12.50") or a JSON number (12.5): the field takes both.

    Answers always write it as a string (no rounding by a JSON parser on the way back).
    """
    number: dict[str, Any] = {"type": "number"}
    if field.decimal_places is not None:
        number["multipleOf"] = float(Decimal(1).scaleb(-field.decimal_places))
    if field.max_digits is not None and field.decimal_places is not None:
        bound = float(Decimal(10) ** (field.max_digits - field.decimal_places))
        number.update(minimum=-bound, maximum=bound, exclusiveMinimum=True, exclusiveMaximum=True)
    if field.min_value is not None:
        number.update(minimum=float(field.min_value), exclusiveMinimum=False)
    if field.max_value is not None:
        number.update(maximum=float(field.max_value), exclusiveMaximum=False)
    return {"oneOf": [text, number]}


class AutoSchema(BaseAutoSchema):
    """Names nested serializers after their view, and documents what every operation of a kind can answer.

    One APIView per operation with nested Input/OutputSerializer classes (house rule 8) would otherwise give
    every component the same name, "Output".
    """

    def get_serializer_name(self, serializer: Serializer, direction: Direction) -> str:
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        owner, _, name = qualname.rpartition(".")
        owner = owner.replace(".", "")
        for suffix in ("Api", "View"):
            owner = owner.removesuffix(suffix)
        return owner + name.removesuffix("Serializer")

    def _get_serializer_field_meta(self, field: Field, direction: Direction) -> dict[str, Any]:
        meta = super()._get_serializer_field_meta(field, direction)
        # An output field whose source may be missing answers null (`default=None`: a loose item has no return).
        if direction == "response" and isinstance(field, Field) and field.default is None:
            meta["nullable"] = True
        return meta

    def _map_serializer_field(
        self, field: Field, direction: Direction, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, DecimalField) and schema.get("type") == "string":
            schema["pattern"] = _decimal_pattern(field)
            schema = _text_or_number(field, schema)
        if (
            direction == "request"
            and isinstance(field, CharField)
            and type(field) in (CharField, StrictCharField, EmailField)
            and not field.allow_blank
            and field.trim_whitespace
            and "pattern" not in schema
        ):
            # DRF trims the text first: only spaces is blank, and refused (Python's spaces, with ECMA's own).
            schema["pattern"] = r"[^\s\x1c-\x1f\x85]"
        # A list that refuses to be empty says so (DRF's allow_empty=False is not in the generated schema).
        if (
            direction == "request"
            and isinstance(field, ListSerializer | ListField)
            and not field.allow_empty
            and schema.get("type") == "array"
        ):
            schema["minItems"] = max(schema.get("minItems", 0), 1)
        return schema

    def _get_request_body(self, direction: Direction = "request") -> dict[str, Any] | None:
        body = super()._get_request_body(direction)
        # A body given as a raw schema (several shapes) is still required when the view says so.
        if body is not None and getattr(self.view, "request_body_required", False):
            body["required"] = True
        return body

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if self._is_paginated():
            extra = {
                "400": error_response(400, "A filter or a `page_size` that is not valid."),
                "404": error_response(404, "A `cursor` that this API did not give."),
            }
            for code, answer in extra.items():
                if code not in responses:
                    responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return responses

    def _is_paginated(self) -> bool:
        """A list with a paginator: the test that adds `cursor` and `page_size` to its parameters."""
        return self.method == "GET" and self._get_paginator() is not None and self._is_list_view()
