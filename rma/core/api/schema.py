"""OpenAPI generation tweaks shared by every API view."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import Direction
from rest_framework.serializers import Serializer


class AutoSchema(BaseAutoSchema):
    """Names nested serializers after their view: `ReturnCreateApi.OutputSerializer` → `ReturnCreateOutput`.

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
