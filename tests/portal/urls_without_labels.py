"""The project's URLs as they were before the labels app: no customer-label-pdf route."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rma.portal.urls")),
]
