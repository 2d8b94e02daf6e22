"""Shop API: the shops a user works in."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rma.store import selectors
from rma.store.api.common import (
    StoreRoles,
    StoreSerializer,
    schema,
)


class StoreListApi(APIView):
    permission_classes = [StoreRoles]

    @schema(
        operation_id="store_list",
        summary="Your shops",
        response=StoreSerializer(many=True),
        errors=(401, 403),
    )
    def get(self, request: Request) -> Response:
        return Response(StoreSerializer(selectors.stores_for_user(user=request.user), many=True).data)
