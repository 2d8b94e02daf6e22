"""Drop-off points near a customer."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.core.api.permissions import AnyStaffRole, error_response, error_responses
from rma.core.exceptions import DomainError
from rma.locations.choices import WEEKDAYS, DropOffKind
from rma.locations.selectors import drop_off_points_near

MAX_LIMIT = 50


class UnknownPostcode(DomainError):
    code = "unknown_postcode"
    http_status = 404


class DropOffPointAddressSerializer(serializers.Serializer):
    address_line1 = serializers.CharField()
    address_line2 = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class CoordinatesSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class AccessibilitySerializer(serializers.Serializer):
    wheelchair_accessible = serializers.BooleanField()


class LimitsSerializer(serializers.Serializer):
    max_weight_kg = serializers.IntegerField(allow_null=True)
    max_dimensions_cm = serializers.IntegerField(allow_null=True, help_text="Length + width + height.")


class CompartmentSerializer(serializers.Serializer):
    size = serializers.CharField(help_text="The carrier's name of the size, e.g. A, B, C.")
    height = serializers.FloatField(help_text="cm")
    width = serializers.FloatField(help_text="cm")
    depth = serializers.FloatField(help_text="cm")


class DropOffPointSerializer(serializers.Serializer):
    """One point found near the search origin (a NearbyPoint)."""

    id = serializers.IntegerField(source="point.pk", help_text="Use as `drop_off.point_id` to create a return.")
    name = serializers.CharField(source="point.name")
    kind = serializers.ChoiceField(source="point.kind", choices=DropOffKind.choices)
    carrier = serializers.CharField(source="point.carrier")
    carrier_point_id = serializers.CharField(source="point.carrier_point_id")
    store_code = serializers.CharField(
        source="point.store.code", allow_null=True, help_text="Set when the point is one of our shops."
    )
    distance_km = serializers.FloatField(help_text="Straight-line distance from the search origin.")
    address = DropOffPointAddressSerializer(source="point")
    coordinates = CoordinatesSerializer(source="point")
    opening_hours = serializers.DictField(
        source="point.opening_hours",
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
        help_text="Weekday (" + ", ".join(WEEKDAYS) + ") → list of [opens, closes] slots, local time.",
    )
    closures = serializers.ListField(
        source="point.closures",
        child=serializers.DictField(child=serializers.CharField()),
        help_text='Closed periods: [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}].',
    )
    open_24_7 = serializers.BooleanField(source="point.open_24_7")
    accessibility = AccessibilitySerializer(source="point")
    limits = LimitsSerializer(source="point")
    label_printing = serializers.BooleanField(
        source="point.label_printing", help_text="Prints the label from the customer's QR code."
    )
    compartments = CompartmentSerializer(
        source="point.compartments", many=True, help_text="A locker's compartment sizes (empty for other points)."
    )


class DropOffPointListApi(APIView):
    permission_classes = [AnyStaffRole]

    class FilterSerializer(serializers.Serializer):
        postcode = serializers.CharField(max_length=16, required=False, help_text="Search around this postcode.")
        city = serializers.CharField(
            max_length=100,
            required=False,
            help_text="With `postcode`: the town, for a postcode that covers several (e.g. 01400).",
        )
        address = serializers.CharField(
            max_length=200,
            required=False,
            help_text="With `postcode`: the first address line (number and street), to search from the address "
            "itself when the address register knows it.",
        )
        lat = serializers.FloatField(min_value=-90, max_value=90, required=False, help_text="Latitude (WGS 84).")
        lng = serializers.FloatField(min_value=-180, max_value=180, required=False, help_text="Longitude (WGS 84).")
        kind = serializers.ListField(
            child=serializers.ChoiceField(choices=DropOffKind.choices),
            required=False,
            help_text="Only these kinds: repeat the parameter (`kind=locker&kind=relay_point`) or separate by commas.",
        )
        limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            has_lat, has_lng = "lat" in attrs, "lng" in attrs
            if has_lat != has_lng:
                raise serializers.ValidationError({"lng" if has_lat else "lat": ["Give both lat and lng."]})
            if not has_lat and not attrs.get("postcode", "").strip():
                raise serializers.ValidationError("Give a postcode, or coordinates with lat and lng.")
            return attrs

    class OutputSerializer(serializers.Serializer):
        results = DropOffPointSerializer(many=True, help_text="Points, nearest first.")

        class Meta:
            ref_name = "DropOffPointListOutput"

    @extend_schema(
        operation_id="drop_off_points_list",
        summary="Drop-off points near a postcode or coordinates",
        description=(
            "Active points that accept returns, nearest first, at most `limit` (50). Search by `postcode` or by "
            "`lat` + `lng`. Any staff role."
        ),
        tags=["drop-off points"],
        parameters=[FilterSerializer],
        responses={
            200: OpenApiResponse(
                response=OutputSerializer,
                description="Points, nearest first.",
                examples=[
                    OpenApiExample(
                        "A relay point",
                        value={
                            "results": [
                                {
                                    "id": 812,
                                    "name": "Tabac Presse de la Roquette",
                                    "kind": "relay_point",
                                    "carrier": "mondial_relay",
                                    "carrier_point_id": "FR-004211",
                                    "store_code": None,
                                    "distance_km": 0.42,
                                    "address": {
                                        "address_line1": "112 rue de la Roquette",
                                        "address_line2": "",
                                        "postcode": "75011",
                                        "city": "Paris",
                                        "country": "FR",
                                    },
                                    "coordinates": {"latitude": 48.8571, "longitude": 2.3791},
                                    "opening_hours": {"mon": [["09:00", "12:30"], ["14:00", "19:00"]]},
                                    "closures": [],
                                    "open_24_7": False,
                                    "accessibility": {"wheelchair_accessible": True},
                                    "limits": {"max_weight_kg": 20, "max_dimensions_cm": 150},
                                    "label_printing": False,
                                    "compartments": [],
                                }
                            ]
                        },
                    )
                ],
            ),
            400: error_response(400, "Missing postcode and coordinates, a bad number or an unknown kind."),
            404: error_response(
                404,
                "The postcode is unknown.",
                examples=[
                    OpenApiExample(
                        "unknown_postcode",
                        value={"error": {"code": "unknown_postcode", "message": "We do not know this postcode."}},
                        status_codes=[404],
                    )
                ],
            ),
            **error_responses(401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        params: dict[str, Any] = {
            key: request.query_params[key]
            for key in ("postcode", "city", "address", "lat", "lng", "limit")
            if key in request.query_params
        }
        kinds = [kind.strip() for value in request.query_params.getlist("kind") for kind in value.split(",")]
        if kinds:
            params["kind"] = [kind for kind in kinds if kind]
        filters = self.FilterSerializer(data=params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data
        try:
            found = drop_off_points_near(
                latitude=query.get("lat"),
                longitude=query.get("lng"),
                postcode=query.get("postcode", ""),
                city=query.get("city", ""),
                address=query.get("address", ""),
                kinds=query.get("kind"),
                limit=query["limit"],
            )
        except DomainError as exc:
            if exc.code == "unknown_postcode":
                raise UnknownPostcode(exc.message) from exc
            raise
        return Response(self.OutputSerializer({"results": found}).data)
