"""The baseline's two URLs: POST /items/ (validate, insert one row, answer 201) and GET /readyz."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class ItemCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        quantity = serializers.IntegerField(min_value=1, max_value=1000)

    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_item (name, quantity) VALUES (%s, %s) RETURNING id",
                [serializer.validated_data["name"], serializer.validated_data["quantity"]],
            )
            (item_id,) = cursor.fetchone()
        return Response({"id": item_id, **serializer.validated_data}, status=201)


def readyz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("items/", ItemCreateApi.as_view()),
    path("readyz", readyz),
]
