from django.urls import path

from rma.orders.api.orders import OrderBatchUpsertApi, OrderDetailApi, OrderUpsertApi

urlpatterns = [
    path("orders/", OrderUpsertApi.as_view(), name="api-order-upsert"),
    path("orders/batch/", OrderBatchUpsertApi.as_view(), name="api-order-batch-upsert"),
    path("orders/<str:external_id>/", OrderDetailApi.as_view(), name="api-order-detail"),
]
