"""Shop API: include with ``path("store/", include("rma.store.api.urls"))`` in rma/api_urls.py."""

from django.urls import path

from rma.store.api import shipments as apis

S = "shipments/<uuid:public_id>"

urlpatterns = [
    path("stores/", apis.StoreListApi.as_view(), name="api-store-list"),
    path("counter/scan/", apis.StoreCounterScanApi.as_view(), name="api-store-counter-scan"),
    path("counter/returns/", apis.StoreReturnStartApi.as_view(), name="api-store-return-start"),
    path("returns/<uuid:public_id>/", apis.StoreReturnDetailApi.as_view(), name="api-store-return"),
    path("returns/<uuid:public_id>/check/", apis.StoreReturnCheckApi.as_view(), name="api-store-return-check"),
    path("returns/<uuid:public_id>/receipt/", apis.StoreReturnReceiptApi.as_view(), name="api-store-return-receipt"),
    path("shipments/", apis.StoreShipmentListApi.as_view(), name="api-store-shipments"),
    path(f"{S}/", apis.StoreShipmentDetailApi.as_view(), name="api-store-shipment"),
    path(f"{S}/warehouse/", apis.StoreShipmentWarehouseApi.as_view(), name="api-store-shipment-warehouse"),
    path(f"{S}/cartons/", apis.StoreCartonAddApi.as_view(), name="api-store-carton-add"),
    path(f"{S}/cartons/<int:position>/weight/", apis.StoreCartonWeightApi.as_view(), name="api-store-carton-weight"),
    path(f"{S}/cartons/<int:position>/remove/", apis.StoreCartonRemoveApi.as_view(), name="api-store-carton-remove"),
    path(f"{S}/cartons/<int:position>/<str:kind>", apis.StoreCartonLabelApi.as_view(), name="api-store-carton-label"),
    path(f"{S}/items/", apis.StoreShipmentItemAddApi.as_view(), name="api-store-item-add"),
    path(f"{S}/items/<int:item_id>/remove/", apis.StoreShipmentItemRemoveApi.as_view(), name="api-store-item-remove"),
    path(f"{S}/close/", apis.StoreShipmentCloseApi.as_view(), name="api-store-shipment-close"),
    path(f"{S}/dispatch/", apis.StoreShipmentDispatchApi.as_view(), name="api-store-shipment-dispatch"),
    path(f"{S}/manifest.<str:extension>", apis.StoreShipmentManifestApi.as_view(), name="api-store-manifest"),
]
