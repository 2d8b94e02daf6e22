"""Serializer fields shared by the API modules."""

from datetime import UTC, datetime
from typing import Any

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
