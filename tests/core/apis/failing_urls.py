"""The real URLs plus one API view and one page that fail with an unexpected error (tests of the error pages)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from returns_portal.urls import urlpatterns as real_urlpatterns


class FailingApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug in a view")


def failing_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a page")


urlpatterns = [
    path("api/v1/failing/", FailingApi.as_view()),
    path("failing-page/", failing_page),
    *real_urlpatterns,
]
