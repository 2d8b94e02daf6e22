"""The site's URLs plus a page that fails, for the error-reporting test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from returns_portal.urls import urlpatterns as site


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this page fails on purpose")


urlpatterns = [path("ops-test/fails", fails, name="ops-test-fails"), *site]
