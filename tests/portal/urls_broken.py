"""A URL that fails, to see the 500 page the customer would get."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("boom/", broken),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rma.portal.urls")),
]
