"""Shop API: include with ``path("store/", include("rma.store.api.urls"))`` in rma/api_urls.py."""

from django.urls import path

from rma.store.api import counter, files, shipments, shops

S = "shipments/<uuid:public_id>"

urlpatterns = [
    path("stores/", shops.StoreListApi.as_view(), name="api-store-list"),
    path("counter/scan/", counter.StoreCounterScanApi.as_view(), name="api-store-counter-scan"),
    path("counter/returns/", counter.StoreReturnStartApi.as_view(), name="api-store-return-start"),
    path("returns/<uuid:public_id>/", counter.StoreReturnDetailApi.as_view(), name="api-store-return"),
    path("returns/<uuid:public_id>/check/", counter.StoreReturnCheckApi.as_view(), name="api-store-return-check"),
    path(
        "returns/<uuid:public_id>/receipt/", counter.StoreReturnReceiptApi.as_view(), name="api-store-return-receipt"
    ),
    path("shipments/", shipments.StoreShipmentListApi.as_view(), name="api-store-shipments"),
    path(f"{S}/", shipments.StoreShipmentDetailApi.as_view(), name="api-store-shipment"),
    path(f"{S}/warehouse/", shipments.StoreShipmentWarehouseApi.as_view(), name="api-store-shipment-warehouse"),
    path(f"{S}/cartons/", shipments.StoreCartonAddApi.as_view(), name="api-store-carton-add"),
    path(
        f"{S}/cartons/<int:position>/weight/", shipments.StoreCartonWeightApi.as_view(), name="api-store-carton-weight"
    ),
    path(
        f"{S}/cartons/<int:position>/remove/", shipments.StoreCartonRemoveApi.as_view(), name="api-store-carton-remove"
    ),
    path(f"{S}/cartons/<int:position>/<str:kind>", files.StoreCartonLabelApi.as_view(), name="api-store-carton-label"),
    path(f"{S}/items/", shipments.StoreShipmentItemAddApi.as_view(), name="api-store-item-add"),
    path(
        f"{S}/items/<int:item_id>/remove/",
        shipments.StoreShipmentItemRemoveApi.as_view(),
        name="api-store-item-remove",
    ),
    path(f"{S}/close/", shipments.StoreShipmentCloseApi.as_view(), name="api-store-shipment-close"),
    path(f"{S}/dispatch/", shipments.StoreShipmentDispatchApi.as_view(), name="api-store-shipment-dispatch"),
    path(f"{S}/manifest.<str:extension>", files.StoreShipmentManifestApi.as_view(), name="api-store-manifest"),
]
