"""The versioned REST API: each app's routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("rma.orders.api.urls")),
    path("", include("rma.locations.api.urls")),
    path("", include("rma.returns.api.urls")),
    path("", include("rma.shipping.api.urls")),
    path("warehouse/", include("rma.warehouse.api.urls")),
    path("store-credits/", include("rma.warehouse.api.store_credit_urls")),
    path("store/", include("rma.store.api.urls")),
    path("insights/", include("rma.insights.api_urls")),
]
