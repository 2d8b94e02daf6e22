"""The project's routes plus the label routes (until the root urlconf and rma/api_urls.py include them)."""

from django.urls import include, path

from returns_portal.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/", include("rma.shipping.api.urls")),
    path("", include("rma.shipping.urls")),
    *project_urlpatterns,
]
